/**
 * `npm run soak`: kill -9 one of two platform processes on one PostgreSQL every SOAK_KILL_EVERY_MS (3000) under a
 * load of complete payment flows, SOAK_KILLS times (20), and print what happened: kills per minute, restart times,
 * flows, retries, and every inconsistency found (none expected). Runs the built platform (`dist/main.js`, built
 * first when stale) with the flags `npm start` uses. TEST_DATABASE_URL names the PostgreSQL
 * (postgres://postgres@127.0.0.1:5432/test); the run uses a schema of its own and drops it.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { runKillRestart } from './kill-restart.js';
import { NODE_FLAGS } from './processes.js';

const int = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive whole number`);
  return value;
};

const baseUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `soak_${randomBytes(6).toString('hex')}`;
const url = new URL(baseUrl);
url.searchParams.set('schema', schema);

const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(p * values.length))] ?? NaN;

try {
  const report = await runKillRestart({
    databaseUrl: url.toString(),
    nodeArgs: [...NODE_FLAGS, 'dist/main.js'],
    kills: int('SOAK_KILLS', 20),
    killEveryMs: int('SOAK_KILL_EVERY_MS', 3000),
    workers: int('SOAK_WORKERS', 8),
  });
  const minutes = report.elapsedMs / 60_000;
  console.log(`kills: ${report.kills} in ${(report.elapsedMs / 1000).toFixed(1)} s = ${(report.kills / minutes).toFixed(1)} a minute`);
  console.log(`restart (SIGKILL → /healthz 200): p50 ${percentile(report.restartMs, 0.5)} ms, max ${Math.max(...report.restartMs)} ms`);
  console.log(`flows completed: ${report.flows}; calls retried: ${report.retries}`);
  console.log(`notifications: ${report.notifications.queued} queued, ${report.notifications.received} received`);
  console.log(report.problems.length === 0 ? 'nothing lost, doubled or inconsistent' : `PROBLEMS:\n  ${report.problems.join('\n  ')}`);
  process.exitCode = report.problems.length === 0 ? 0 : 1;
} finally {
  const client = new pg.Client({ connectionString: baseUrl });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await client.end();
}
