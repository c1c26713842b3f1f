/**
 * Cluster mode (BENCH_CLUSTER=1,2): N platform processes on one PostgreSQL, as a deployment that outgrew one
 * process runs them, loaded together. The load generator spreads the load itself, one autocannon instance per
 * process with an equal share of the connections (and of the PoS pool for flows), rather than through a
 * balancer: on this 2-core machine a balancer would take CPU from the cores the platform and PostgreSQL need,
 * and what a balancer adds (choosing a process per request) is not what is measured here. The figure that
 * compares across process counts is CPU per request of each platform process, read from /proc.
 */
import { Api, v10Headers, type Pos } from './api.js';
import { flows, poll, type FlowResult, type LoadSettings, type PollResult } from './load.js';
import { cpuMicros, startPlatform, stopChild, type Child } from './processes.js';

/** The commit-to-drop delay of the payment cache, from a process's /metrics (a Prometheus histogram). */
export interface DropDelay {
  count: number;
  meanMs: number;
  /** The upper bound of the bucket holding the 99th percentile. */
  p99AtMostMs: number;
}

async function dropDelayOf(base: string): Promise<DropDelay> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const value = (line: RegExp) => Number(line.exec(text)?.[1] ?? NaN);
  const count = value(/^payment_change_drop_delay_seconds_count (\S+)$/m);
  const buckets = [...text.matchAll(/^payment_change_drop_delay_seconds_bucket\{le="([^"]+)"\} (\S+)$/gm)].map((m) => ({ le: Number(m[1]), n: Number(m[2]) }));
  const p99 = buckets.find((b) => b.n >= count * 0.99)?.le ?? NaN;
  return { count, meanMs: (value(/^payment_change_drop_delay_seconds_sum (\S+)$/m) / count) * 1000, p99AtMostMs: p99 * 1000 };
}

export interface ClusterFigures {
  processes: number;
  /** Per process, over the whole run: how soon each commit (by any process) was dropped from its cache. */
  dropDelays: DropDelay[];
  polling: { rps: number; p99: number; non2xx: number; cpuMicrosPerRequest: number[] };
  flows: { flowsPerS: number; p99: number; failures: number; failureReasons: Map<string, number>; cpuMicrosPerFlow: number[] };
}

/** Each of `count` parts gets an equal share (the first ones one more when it does not divide). */
function share<T>(items: T[], count: number, index: number): T[] {
  return items.filter((_, i) => i % count === index);
}
const connectionsOf = (total: number, count: number, index: number) => Math.floor(total / count) + (index < total % count ? 1 : 0);

/**
 * Runs `load` on every process at once and reads each process's CPU time from `measureAfterS` into the load
 * (when its warm-up ends) to its end.
 */
async function together<T>(children: Child[], measureAfterS: number, load: (index: number) => Promise<T>): Promise<{ results: T[]; cpu: number[] }> {
  const pids = children.map((c) => c.process.pid!);
  let before = pids.map(cpuMicros);
  const measuring = setTimeout(() => (before = pids.map(cpuMicros)), measureAfterS * 1000);
  const results = await Promise.all(children.map((_, i) => load(i)));
  clearTimeout(measuring);
  const cpu = pids.map((pid, i) => cpuMicros(pid) - before[i]!);
  return { results, cpu };
}

/**
 * Starts `count` processes on the one database `env` names, all with the same PUBLIC_URL (the tokens'
 * issuer, so a token of one is accepted by the others), measures polling and flows on all of them together,
 * and stops them.
 */
export async function benchCluster(
  count: number,
  env: Record<string, string>,
  settings: LoadSettings,
  posCount: number,
  log: (message: string) => void,
): Promise<ClusterFigures> {
  const started: Child[] = [];
  try {
    const urls: string[] = [];
    for (let i = 0; i < count; i++) {
      const platform = await startPlatform({ ...env, PUBLIC_URL: 'http://bench-cluster.invalid' });
      started.push(platform.child);
      urls.push(platform.url);
    }
    const apis = await Promise.all(urls.map((url) => Api.connect(url)));
    const paymentId = await apis[0]!.reservedPayment();
    const path = `/pos/v10/payments/${paymentId}`;

    log(`cluster of ${count}: (a) polling one payment on every process`);
    const pollingOn = (i: number, durationS: number) =>
      poll(urls[i]!, path, v10Headers(apis[i]!.token), { connections: connectionsOf(settings.connections, count, i), durationS, warmupS: 0 });
    await Promise.all(urls.map((_, i) => pollingOn(i, settings.warmupS)));
    const polled = await together(started, 0, (i) => pollingOn(i, settings.durationS));
    const polling = {
      rps: sum(polled.results.map((r) => r.rps)),
      p99: Math.max(...polled.results.map((r) => r.p99)),
      non2xx: sum(polled.results.map((r) => r.non2xx + r.errors)),
      cpuMicrosPerRequest: polled.results.map((r: PollResult, i) => polled.cpu[i]! / (r.rps * settings.durationS)),
    };

    log(`cluster of ${count}: creating ${posCount} points of sale`);
    const pool: Pos[] = await apis[0]!.createPosPool(posCount);
    log(`cluster of ${count}: (b) payment flows on every process`);
    const flowed = await together(started, settings.warmupS, (i) =>
      flows(urls[i]!, apis[i]!.token, share(pool, count, i), { ...settings, connections: connectionsOf(settings.connections, count, i) }),
    );
    const dropDelays = await Promise.all(urls.map(dropDelayOf));
    const failureReasons = new Map<string, number>();
    for (const r of flowed.results) for (const [reason, n] of r.failureReasons) failureReasons.set(reason, (failureReasons.get(reason) ?? 0) + n);
    return {
      processes: count,
      dropDelays,
      polling,
      flows: {
        flowsPerS: sum(flowed.results.map((r) => r.flowsPerS)),
        p99: Math.max(...flowed.results.map((r) => r.p99)),
        failures: sum(flowed.results.map((r) => r.failures)),
        failureReasons,
        cpuMicrosPerFlow: flowed.results.map((r: FlowResult, i) => flowed.cpu[i]! / r.completed),
      },
    };
  } finally {
    await Promise.all(started.map(stopChild));
  }
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
