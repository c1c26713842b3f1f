/** The child processes of a benchmark run: the raw server and the platform, each on a loopback port. */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const HOST = '127.0.0.1';

/**
 * The Node flags `npm start` runs the platform with (package.json `config.node_flags`), so the benchmark
 * measures the platform as it ships. The raw server gets them too: both sides run on the same runtime settings.
 */
export const NODE_FLAGS: string[] = (
  (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { config?: { node_flags?: string } }).config?.node_flags ?? ''
)
  .split(' ')
  .filter(Boolean);

/** Clock ticks per second of /proc/<pid>/stat's times (USER_HZ: 100 on every Linux we run on). */
const USER_HZ = 100;

/** CPU time (user + system, all threads) the process has used so far, in µs. */
export function cpuMicros(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may contain spaces; the fields after its closing parenthesis are fixed.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1e6) / USER_HZ;
}

export interface Child {
  name: string;
  process: ChildProcess;
  /** The end of its stderr, to explain an early exit. */
  stderrTail(): string;
}

const exited = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;

function track(name: string, process: ChildProcess): Child {
  let tail = '';
  process.stderr?.on('data', (chunk: Buffer) => {
    tail = (tail + chunk.toString()).slice(-4000);
  });
  return { name, process, stderrTail: () => tail };
}

/** A port free right now (the platform takes PORT, so it cannot report one it chose itself). */
export async function freePort(): Promise<number> {
  const server = createServer().listen(0, HOST);
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

/**
 * The load generator and the server under test each get a core of their own where the machine has two or more
 * (with `taskset`, all threads of the process): sharing cores, their scheduling decides the figures more than
 * the server's own cost does. Raw and platform are pinned alike, so the share compares like with like.
 */
const SERVER_CPU = 1;
const LOAD_CPU = 0;
const canPin = cpus().length >= 2 && spawnSync('taskset', ['--version']).status === 0;

function pin(pid: number | undefined, cpu: number): void {
  if (canPin && pid !== undefined) spawnSync('taskset', ['-a', '-pc', String(cpu), String(pid)], { stdio: 'ignore' });
}

/** Pins this process (the load generator) to its core; the servers are pinned as they start. */
export const pinLoadGenerator = (): void => pin(process.pid, LOAD_CPU);
export const pinning = (): string => (canPin ? `load generator on CPU ${LOAD_CPU}, server on CPU ${SERVER_CPU}` : 'not pinned');

/** Starts bench/raw-server.ts and answers its base URL once it listens. */
export async function startRawServer(): Promise<{ child: Child; url: string }> {
  const script = fileURLToPath(new URL('./raw-server.ts', import.meta.url));
  const proc = spawn(process.execPath, [...NODE_FLAGS, '--import', 'tsx', script], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  const child = track('raw server', proc);
  pin(proc.pid, SERVER_CPU);
  const port = await Promise.race([
    once(proc, 'message').then(([message]) => (message as { port: number }).port),
    once(proc, 'exit').then(() => {
      throw new Error(`raw server exited at start: ${child.stderrTail()}`);
    }),
    sleep(15_000).then(() => {
      throw new Error('raw server did not start within 15 s');
    }),
  ]);
  return { child, url: `http://${HOST}:${port}` };
}

/**
 * Starts `node dist/main.js` of the checkout at `root` (this one unless a baseline's) with NODE_FLAGS and `env`
 * on a free port and waits until GET /healthz answers 200. `nodeArgs` go after NODE_FLAGS, before the script
 * (e.g. --cpu-prof).
 */
export async function startPlatform(env: Record<string, string>, nodeArgs: string[] = [], root = REPO_ROOT): Promise<{ child: Child; url: string }> {
  const port = await freePort();
  const proc = spawn(process.execPath, [...NODE_FLAGS, ...nodeArgs, 'dist/main.js'], {
    cwd: root,
    env: { ...process.env, ...env, HOST, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const child = track('platform', proc);
  pin(proc.pid, SERVER_CPU);
  const url = `http://${HOST}:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (exited(proc)) throw new Error(`platform exited at start (code ${proc.exitCode}): ${child.stderrTail()}`);
    try {
      const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1000) });
      if (response.ok) return { child, url };
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stopChild(child);
      throw new Error(`platform not healthy within 30 s: ${child.stderrTail()}`);
    }
    await sleep(100);
  }
}

/** SIGTERM (the platform shuts down gracefully and writes a --cpu-prof profile), SIGKILL after 5 s. */
export async function stopChild(child: Child): Promise<void> {
  const proc = child.process;
  if (exited(proc)) return;
  const exit = once(proc, 'exit');
  proc.kill('SIGTERM');
  if ((await Promise.race([exit.then(() => true), sleep(5000).then(() => false)])) === false) {
    proc.kill('SIGKILL');
    await exit;
  }
}
