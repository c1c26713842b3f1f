/**
 * `npm run bench`: the platform's hot paths against a raw node:http ceiling, on SQLite and on PostgreSQL.
 *
 *   (a) polling GET /pos/v10/payments/{id} of a Reserved payment, authenticated, vs. the raw server
 *       answering a fixed payment-shaped body to the identical requests;
 *   (b) complete payment flows (initiate → check-in → accept → capture) per second.
 *
 * Each load runs BENCH_WARMUP_S first (JIT, SQLite page cache); (a) as a separate run, (b) as the start of
 * the one run (see load.ts for why). Each round of (a) and then (b) get a platform process of their own.
 *
 * Environment: BENCH_DURATION_S (10), BENCH_WARMUP_S (5: the platform's code takes longer than raw's to be
 * optimized), BENCH_CONNECTIONS (50, both loads), BENCH_POS (100, the PoS pool of (b)), BENCH_ROUNDS (5
 * alternating raw/platform rounds of (a); the median share is reported), BENCH_ENGINES (sqlite,postgres), TEST_DATABASE_URL
 * (postgres://postgres@127.0.0.1:5432/test), BENCH_HEALTHZ=1 (also load GET /healthz, the framework floor),
 * BENCH_CPU_PROF=dir (write a --cpu-prof profile of each platform process there), BENCH_BASELINE=<git ref> (also
 * measure that commit's build, in the same rounds, and report this build's figures as a ratio of its),
 * BENCH_CLUSTER=1,2 (instead of the above: that many platform processes on one PostgreSQL, loaded together; see
 * cluster.ts). Raw server and platform run
 * with package.json's config.node_flags, as `npm start` runs the platform.
 * A missed target is reported, not an error: the figures are information.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { Api, SEED, v10Headers } from './api.js';
import { flows, poll, type FlowResult, type LoadSettings, type PollResult } from './load.js';
import { prepareBaseline, type Baseline } from './baseline.js';
import { benchCluster, type ClusterFigures } from './cluster.js';
import { NODE_FLAGS, REPO_ROOT, cpuMicros, pinLoadGenerator, pinning, startPlatform, startRawServer, stopChild } from './processes.js';

type Engine = 'sqlite' | 'postgres';

interface EngineResult {
  engine: Engine;
  raw: PollResult;
  polling: PollResult;
  healthz?: PollResult;
  flows: FlowResult;
  /** With BENCH_BASELINE: the baseline build's polling req/s next to this build's, round by round, and its flows. */
  baseline?: { commit: string; rounds: { platform: number; baseline: number; platformCpu: number; baselineCpu: number }[]; flows: FlowResult };
  /** CPU µs per poll of the platform process, in the round reported. */
  cpuMicrosPerPoll: number;
}

const int = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a non-negative number`);
  return value;
};

const durationS = int('BENCH_DURATION_S', 10);
const settings: LoadSettings = { connections: int('BENCH_CONNECTIONS', 50), durationS, warmupS: int('BENCH_WARMUP_S', 5) };
const posCount = int('BENCH_POS', 100);
const ROUNDS = int('BENCH_ROUNDS', 5);
const engines = (process.env.BENCH_ENGINES ?? 'sqlite,postgres').split(',').map((e) => e.trim()) as Engine[];
const pgBaseUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const cpuProfDir = process.env.BENCH_CPU_PROF ? resolve(process.env.BENCH_CPU_PROF) : undefined;

const TARGETS = { pollingShare: 0.5, pollingP99Ms: 20, flowsPerS: 500 };

// Cleanup steps, run last-in first-out by cleanup(), from the finally and from SIGINT/SIGTERM alike.
const cleanups: Array<() => Promise<void>> = [];
async function cleanup(): Promise<void> {
  for (let step = cleanups.pop(); step; step = cleanups.pop()) {
    try {
      await step();
    } catch (error) {
      console.error('cleanup:', error instanceof Error ? error.message : error);
    }
  }
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`\n${signal}: stopping children and removing temp files`);
    void cleanup().finally(() => process.exit(130));
  });
}

const log = (message: string) => console.error(`[bench] ${message}`);

/** The platform's PostgreSQL URL: the base URL with a schema of our own, dropped by the returned cleanup. */
function postgresTarget(): { url: string; drop: () => Promise<void> } {
  const schema = `bench_${randomBytes(4).toString('hex')}`;
  const url = new URL(pgBaseUrl);
  url.searchParams.set('schema', schema);
  const drop = async () => {
    const plain = new URL(pgBaseUrl);
    plain.searchParams.delete('schema');
    const client = new pg.Client({ connectionString: plain.toString(), connectionTimeoutMillis: 5000 });
    await client.connect();
    try {
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    } finally {
      await client.end();
    }
  };
  return { url: url.toString(), drop };
}

/** The database and settings of one platform build's processes (each build gets a database of its own). */
function platformEnv(engine: Engine, tmp: string, name: string): Record<string, string> {
  let databaseUrl: string;
  if (engine === 'sqlite') {
    databaseUrl = join(tmp, `${name}.db`); // the temp dir (and the -wal/-shm files) is removed at the end
  } else {
    const target = postgresTarget();
    databaseUrl = target.url;
    cleanups.push(target.drop); // pushed before the platform's stop, so it runs after it
  }
  return {
    DATABASE_URL: databaseUrl,
    SEED_FILE: join(tmp, 'seed.json'),
    LOG_LEVEL: 'silent',
    SANDBOX: 'true',
    DEMO_DATA: 'false',
    ADMIN_TOKEN: randomBytes(12).toString('hex'), // 24 characters
  };
}

/** One platform build under test: this checkout's, or the baseline's. */
interface Build {
  name: string;
  root: string;
  env: Record<string, string>;
}

async function benchEngine(engine: Engine, tmp: string, rawUrl: string, baseline: Baseline | undefined): Promise<EngineResult> {
  const current: Build = { name: 'platform', root: REPO_ROOT, env: platformEnv(engine, tmp, 'bench') };
  const base: Build | undefined = baseline && { name: `baseline ${baseline.commit}`, root: baseline.root, env: platformEnv(engine, tmp, 'baseline') };
  let started = 0;
  /** A platform process of `build` for `use`, stopped afterwards (and by cleanup() while it runs). */
  const withPlatform = async <T>(build: Build, use: (api: Api, pid: number) => Promise<T>): Promise<T> => {
    const name = `platform-${engine}-${process.pid}-${++started}.cpuprofile`;
    const platform = await startPlatform(build.env, cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`, `--cpu-prof-name=${name}`] : [], build.root);
    const stop = () => stopChild(platform.child);
    cleanups.push(stop);
    try {
      return await use(await Api.connect(platform.url), platform.child.process.pid!);
    } finally {
      cleanups.splice(cleanups.indexOf(stop), 1);
      await stop();
    }
  };
  /** (a) on a fresh process of `build`: the raw ceiling first when asked, then the platform, identical requests. */
  const pollRound = (build: Build, label: string, withRaw: boolean) =>
    withPlatform(build, async (api, pid) => {
      const paymentId = await api.reservedPayment();
      const path = `/pos/v10/payments/${paymentId}`;
      const headers = v10Headers(api.token);
      let raw: PollResult | undefined;
      if (withRaw) {
        log(`${engine}: (a) raw ceiling, ${label}`);
        raw = await poll(rawUrl, path, headers, settings);
      }
      log(`${engine}: (a) ${build.name} polling, ${label}`);
      // CPU time per poll, read around the measured run only: less moved by the machine's drift than req/s.
      await poll(api.base, path, headers, { ...settings, durationS: settings.warmupS, warmupS: 0 });
      const before = cpuMicros(pid);
      const polling = await poll(api.base, path, headers, { ...settings, warmupS: 0 });
      return { raw, polling, cpuMicrosPerPoll: (cpuMicros(pid) - before) / (polling.rps * settings.durationS) };
    });

  // The machine's speed drifts from one round to the next (a shared VM), and identical platform processes
  // differ by up to a third in cost per request for as long as they run. So raw and platform alternate for a
  // few rounds, each round on a fresh platform process (on the same database), and the round with the median
  // share stands for the engine: a figure for the platform, not for one process's luck. A baseline build
  // takes its turn in each round, right after this build, against the same raw figure.
  const rounds: Round[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    const label = `round ${round}/${ROUNDS}`;
    log(`${engine}: (a) ${label}: starting a platform process`);
    const { raw, polling, cpuMicrosPerPoll } = await pollRound(current, label, true);
    const baselineRound = base && (await pollRound(base, label, false));
    rounds.push({ raw: raw!, polling, cpuMicrosPerPoll, baseline: baselineRound && { polling: baselineRound.polling, cpuMicrosPerPoll: baselineRound.cpuMicrosPerPoll } });
  }
  const share = (r: Round) => r.polling.rps / r.raw.rps;
  log(`${engine}: (a) shares by round: ${rounds.map((r) => `${fmt(r.polling.rps)}/${fmt(r.raw.rps)} = ${fmt(share(r), 2)}`).join(', ')}`);
  const { raw, polling, cpuMicrosPerPoll } = median(rounds, share);

  const flowsOf = (build: Build) =>
    withPlatform(build, async (api) => {
      log(`${engine}: ${build.name}: creating ${posCount} points of sale`);
      const pool = await api.createPosPool(posCount);
      log(`${engine}: ${build.name}: (b) payment flows`);
      return flows(api.base, api.token, pool, settings);
    });
  let healthz: PollResult | undefined;
  if (process.env.BENCH_HEALTHZ === '1') {
    healthz = await withPlatform(current, (api) => {
      log(`${engine}: GET /healthz`);
      return poll(api.base, '/healthz', v10Headers(api.token), settings);
    });
  }
  log(`${engine}: starting a platform process for (b)`);
  const flowResult = await flowsOf(current);
  const comparison = base && {
    commit: baseline!.commit,
    rounds: rounds.map((r) => ({ platform: r.polling.rps, baseline: r.baseline!.polling.rps, platformCpu: r.cpuMicrosPerPoll, baselineCpu: r.baseline!.cpuMicrosPerPoll })),
    flows: await flowsOf(base),
  };
  return { engine, raw, polling, cpuMicrosPerPoll, healthz, flows: flowResult, baseline: comparison };
}

interface Round {
  raw: PollResult;
  polling: PollResult;
  cpuMicrosPerPoll: number;
  baseline?: { polling: PollResult; cpuMicrosPerPoll: number };
}

/** The element whose `key` is the median (the lower one of an even count). */
function median<T>(items: T[], key: (item: T) => number): T {
  const sorted = [...items].sort((a, b) => key(a) - key(b));
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

const fmt = (value: number, digits = 0) => (Number.isFinite(value) ? value.toFixed(digits) : '-');

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((row) => row[col]!.length)));
  const line = (row: string[]) => row.map((cell, col) => (col === 0 ? cell.padEnd(widths[col]!) : cell.padStart(widths[col]!))).join('  ');
  return [line(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

function report(results: EngineResult[], failed: Map<Engine, string>): void {
  const cpu = cpus();
  console.log('');
  console.log(`machine: ${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} cores, Node ${process.version}, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}; ${pinning()}`);
  console.log(`settings: ${settings.connections} connections, ${settings.durationS} s measured after ${settings.warmupS} s warm-up; (b) on ${posCount} PoS; node ${NODE_FLAGS.join(' ') || '(no flags)'}`);
  console.log('');
  const rows = [
    ['engine', 'raw req/s', '(a) req/s', '(a)/raw', '(a) p50 ms', '(a) p99 ms', '(a) CPU µs/poll', '(a) non-2xx', '(b) flows/s', '(b) p50 ms', '(b) p99 ms', '(b) failures'],
    ...results.map((r) => [
      r.engine,
      fmt(r.raw.rps),
      fmt(r.polling.rps),
      fmt(r.polling.rps / r.raw.rps, 2),
      fmt(r.polling.p50),
      fmt(r.polling.p99),
      fmt(r.cpuMicrosPerPoll, 1),
      String(r.polling.non2xx + r.polling.errors),
      fmt(r.flows.flowsPerS),
      fmt(r.flows.p50, 1),
      fmt(r.flows.p99, 1),
      String(r.flows.failures),
    ]),
  ];
  console.log(table(rows));
  for (const [engine, message] of failed) console.log(`${engine}: not measured: ${message}`);

  console.log('');
  for (const r of results) {
    const steps = Object.entries(r.flows.steps).map(([step, s]) => `${step} ${fmt(s.p50, 1)}/${fmt(s.p99, 1)}`);
    console.log(`${r.engine} (b) step latency p50/p99 ms: ${steps.join(', ')}; ${r.flows.completed} flows`);
    console.log(`${r.engine} raw ceiling latency p50/p99 ms: ${fmt(r.raw.p50)}/${fmt(r.raw.p99)}; raw non-2xx ${r.raw.non2xx + r.raw.errors}`);
    if (r.healthz) console.log(`${r.engine} platform GET /healthz: ${fmt(r.healthz.rps)} req/s (${fmt(r.healthz.rps / r.raw.rps, 2)} of raw), p50/p99 ${fmt(r.healthz.p50)}/${fmt(r.healthz.p99)} ms`);
    for (const [reason, count] of r.flows.failureReasons) console.log(`${r.engine} (b) failed ${count}×: ${reason}`);
  }

  for (const r of results) if (r.baseline) reportBaseline(r.engine, r, r.baseline);

  const sqlite = results.find((r) => r.engine === 'sqlite');
  console.log('');
  console.log('targets (SQLite, 50 connections):');
  const verdict = (ok: boolean | undefined) => (ok === undefined ? 'n/a ' : ok ? 'PASS' : 'MISS');
  const lines: Array<[boolean | undefined, string]> = [
    [sqlite && sqlite.polling.rps / sqlite.raw.rps >= TARGETS.pollingShare, `(a) polling ≥ ${TARGETS.pollingShare * 100}% of raw: ${sqlite ? fmt((100 * sqlite.polling.rps) / sqlite.raw.rps) + '%' : 'not run'}`],
    [sqlite && sqlite.polling.p99 < TARGETS.pollingP99Ms, `(a) polling p99 < ${TARGETS.pollingP99Ms} ms: ${sqlite ? fmt(sqlite.polling.p99) + ' ms' : 'not run'}`],
    [sqlite && sqlite.flows.flowsPerS >= TARGETS.flowsPerS, `(b) ≥ ${TARGETS.flowsPerS} flows/s: ${sqlite ? fmt(sqlite.flows.flowsPerS) : 'not run'}`],
  ];
  // Not targets but preconditions of the figures meaning anything, on every engine.
  for (const r of results) {
    lines.push([r.polling.non2xx + r.polling.errors === 0, `${r.engine} (a) every answer 2xx: ${r.polling.non2xx} non-2xx, ${r.polling.errors} errors`]);
    lines.push([r.flows.failures === 0, `${r.engine} (b) no failed flow: ${r.flows.failures}`]);
  }
  for (const [ok, text] of lines) console.log(`  ${verdict(ok)}  ${text}`);
}

/** This build against the baseline: the ratio is judged per round, both measured minutes apart. */
function reportBaseline(engine: Engine, current: EngineResult, baseline: NonNullable<EngineResult['baseline']>): void {
  const ratios = baseline.rounds.map((r) => r.platform / r.baseline);
  const byRound = baseline.rounds.map((r) => `${fmt(r.platform)}/${fmt(r.baseline)}`).join(', ');
  console.log('');
  console.log(`${engine} against the baseline ${baseline.commit}:`);
  console.log(`  (a) polling req/s, this build / baseline, by round: ${byRound}; median ratio ${fmt(median(ratios, (x) => x), 2)}`);
  const cpuByRound = baseline.rounds.map((r) => `${fmt(r.platformCpu, 1)}/${fmt(r.baselineCpu, 1)}`).join(', ');
  const cpuRatios = baseline.rounds.map((r) => r.platformCpu / r.baselineCpu);
  console.log(`  (a) CPU µs per poll, this build / baseline, by round: ${cpuByRound}; median ratio ${fmt(median(cpuRatios, (x) => x), 2)}`);
  console.log(`  (b) flows/s: ${fmt(current.flows.flowsPerS)} / ${fmt(baseline.flows.flowsPerS)} = ${fmt(current.flows.flowsPerS / baseline.flows.flowsPerS, 2)}; baseline failures ${baseline.flows.failures}`);
}

/** BENCH_CLUSTER: each process count on a fresh PostgreSQL schema of its own. */
async function clusterMain(tmp: string, counts: number[]): Promise<void> {
  pinLoadGenerator();
  const figures: ClusterFigures[] = [];
  for (const count of counts) {
    figures.push(await benchCluster(count, platformEnv('postgres', tmp, 'cluster'), settings, posCount, log));
  }
  const cpu = (values: number[]) => values.map((v) => fmt(v, 1)).join(' / ');
  const cpu0 = cpus();
  console.log('');
  console.log(`machine: ${cpu0[0]?.model ?? 'unknown CPU'}, ${cpu0.length} cores, Node ${process.version}, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}; ${pinning()} (all processes)`);
  console.log(`settings: PostgreSQL, ${settings.connections} connections spread over the processes, ${settings.durationS} s measured after ${settings.warmupS} s warm-up; (b) on ${posCount} PoS`);
  console.log('');
  console.log(
    table([
      ['processes', '(a) req/s', '(a) p99 ms', '(a) non-2xx', '(a) CPU µs/poll, each', '(b) flows/s', '(b) p99 ms', '(b) failures', '(b) CPU µs/flow, each'],
      ...figures.map((f) => [
        String(f.processes),
        fmt(f.polling.rps),
        fmt(f.polling.p99),
        String(f.polling.non2xx),
        cpu(f.polling.cpuMicrosPerRequest),
        fmt(f.flows.flowsPerS),
        fmt(f.flows.p99, 1),
        String(f.flows.failures),
        cpu(f.flows.cpuMicrosPerFlow),
      ]),
    ]),
  );
  console.log('');
  for (const f of figures) {
    const delays = f.dropDelays.map((d) => `${d.count} drops, mean ${fmt(d.meanMs, 2)} ms, p99 ≤ ${fmt(d.p99AtMostMs, 1)} ms`).join('; ');
    console.log(`${f.processes} processes: commit-to-drop delay of the payment cache, each process: ${delays}`);
  }
  for (const f of figures) for (const [reason, n] of f.flows.failureReasons) console.log(`${f.processes} processes: (b) failed ${n}×: ${reason}`);
}

async function main(): Promise<void> {
  const tmp = await mkdtemp(join(tmpdir(), 'mobilepay-bench-'));
  cleanups.push(() => rm(tmp, { recursive: true, force: true }));
  await writeFile(join(tmp, 'seed.json'), JSON.stringify(SEED));
  if (process.env.BENCH_CLUSTER) {
    const counts = process.env.BENCH_CLUSTER.split(',').map(Number);
    if (counts.some((n) => !Number.isInteger(n) || n < 1)) throw new Error('BENCH_CLUSTER: a list of process counts, such as 1,2');
    return clusterMain(tmp, counts);
  }

  let baseline: Baseline | undefined;
  if (process.env.BENCH_BASELINE) {
    log(`building the baseline ${process.env.BENCH_BASELINE}`);
    baseline = await prepareBaseline(process.env.BENCH_BASELINE);
    cleanups.push(baseline.remove);
  }
  pinLoadGenerator();
  const raw = await startRawServer();
  cleanups.push(() => stopChild(raw.child));

  const results: EngineResult[] = [];
  const failed = new Map<Engine, string>();
  for (const engine of engines) {
    if (engine !== 'sqlite' && engine !== 'postgres') throw new Error(`BENCH_ENGINES: unknown engine "${engine}"`);
    try {
      results.push(await benchEngine(engine, tmp, raw.url, baseline));
    } catch (error) {
      // One engine failing (PostgreSQL unreachable, say) still reports the other.
      failed.set(engine, error instanceof Error ? error.message : String(error));
      log(`${engine} failed: ${failed.get(engine)}`);
    }
  }
  report(results, failed);
}

try {
  await main();
} finally {
  await cleanup();
}
