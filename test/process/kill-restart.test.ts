import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runKillRestart } from '../../bench/kill-restart.js';
import { dropDatabase, freshDatabase } from '../helpers/platform.js';

// Resolved here: the platform processes run src/main.ts through tsx, so the test needs no build.
const TSX = import.meta.resolve('tsx');

test("two processes on one PostgreSQL, one killed with SIGKILL and restarted 5 times under load: nothing acknowledged is lost or doubled, every refund's timer fires and captures it once, every notification arrives", async (t) => {
  const database = freshDatabase('postgres');
  t.after(() => dropDatabase(database));
  if (database.engine !== 'postgres') throw new Error('unreachable');
  const url = new URL(database.url);
  url.searchParams.set('schema', database.schema!);

  const report = await runKillRestart({
    databaseUrl: url.toString(),
    nodeArgs: ['--import', TSX, 'src/main.ts'],
    kills: 5,
    killEveryMs: 2000,
    workers: 6,
  });
  assert.deepEqual(report.problems, []);
  assert.equal(report.kills, 5);
  assert.ok(report.flows > 0, 'flows completed under the kills');
  assert.ok(report.retries > 0, 'the kills cut calls, which the client retried');
  assert.ok(report.notifications.queued > 0);
});
