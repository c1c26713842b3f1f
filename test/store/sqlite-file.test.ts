import assert from 'node:assert/strict';
import { chmodSync, statSync, writeFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { openDatabase } from '../../src/store/database.js';
import { DatabaseInUseError } from '../../src/store/sqlite-server-lock.js';
import { dropDatabase, persistentDatabase, startPlatform } from '../helpers/platform.js';

const modeOf = (path: string) => statSync(path).mode & 0o777;

describe('an SQLite database file', () => {
  test('is served by one platform process: a second refuses to start, naming the file, until the first has closed', async (t) => {
    const database = persistentDatabase('sqlite');
    t.after(() => dropDatabase(database));
    const first = await startPlatform(t, 'sqlite', { database, keepDatabase: true });
    const file = database.engine === 'sqlite' ? database.file : '';

    await assert.rejects(startPlatform(t, 'sqlite', { database, keepDatabase: true }), (error: Error) => {
      assert.ok(error instanceof DatabaseInUseError, String(error));
      assert.match(error.message, new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is already served by another platform process`));
      return true;
    });
    // The operator CLI opens the same file as a tool, beside the server.
    const tool = await openDatabase(database);
    await tool.close();

    await first.app.close();
    await first.platform.close();
    const second = await startPlatform(t, 'sqlite', { database, keepDatabase: true });
    assert.equal((await second.app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200);
  });

  test('and its write-ahead log are created readable by their owner only, and an older, wider file is narrowed', async (t) => {
    const database = persistentDatabase('sqlite');
    t.after(() => dropDatabase(database));
    const file = database.engine === 'sqlite' ? database.file : '';
    const { platform } = await startPlatform(t, 'sqlite', { database, keepDatabase: true });
    assert.equal(modeOf(file), 0o600);
    assert.equal(modeOf(`${file}-wal`), 0o600);
    await platform.close();

    const older = persistentDatabase('sqlite');
    t.after(() => dropDatabase(older));
    const olderFile = older.engine === 'sqlite' ? older.file : '';
    writeFileSync(olderFile, '');
    chmodSync(olderFile, 0o644);
    const opened = await openDatabase(older);
    await opened.close();
    assert.equal(modeOf(olderFile), 0o600);
  });
});
