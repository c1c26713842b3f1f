import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConfigError, loadConfig, parseDatabaseUrl } from '../../src/config.js';

describe('configuration', () => {
  test('with nothing set: port 8080 on 127.0.0.1, an SQLite file under ./data, sandbox with demo data', () => {
    const config = loadConfig({});
    assert.equal(config.port, 8080);
    assert.equal(config.host, '127.0.0.1');
    assert.equal(config.database.engine, 'sqlite');
    assert.match((config.database as { file: string }).file, /\/data\/mobilepay-pos\.db$/);
    assert.equal(config.sandbox, true);
    assert.equal(config.demoData, true);
    assert.equal(config.pollDelayMs, 1000);
    assert.equal(config.tokenLifetimeSeconds, 3700);
    assert.equal(config.requestTimeoutMs, 10_000);
  });

  test('REQUEST_TIMEOUT_MS bounds how long a request may take to arrive: 100 ms to 5 minutes', () => {
    assert.equal(loadConfig({ REQUEST_TIMEOUT_MS: '2500' }).requestTimeoutMs, 2500);
    for (const bad of ['0', '99', '300001', 'ten', '1.5']) assert.throws(() => loadConfig({ REQUEST_TIMEOUT_MS: bad }), /REQUEST_TIMEOUT_MS/, bad);
  });

  test('DATABASE_URL takes postgres://, sqlite:// with an absolute path, a plain path and sqlite::memory:', () => {
    assert.deepEqual(parseDatabaseUrl('postgres://u@h:5432/db'), { engine: 'postgres', url: 'postgres://u@h:5432/db' });
    assert.deepEqual(parseDatabaseUrl('postgres://u@h:5432/db?schema=pos_a'), { engine: 'postgres', url: 'postgres://u@h:5432/db', schema: 'pos_a' });
    assert.deepEqual(parseDatabaseUrl('sqlite:///var/lib/pos.db'), { engine: 'sqlite', file: '/var/lib/pos.db' });
    assert.deepEqual(parseDatabaseUrl('sqlite::memory:'), { engine: 'sqlite', file: ':memory:' });
    assert.deepEqual(parseDatabaseUrl('pos.db', '/srv'), { engine: 'sqlite', file: '/srv/pos.db' });
    assert.throws(() => parseDatabaseUrl('mysql://h/db'), ConfigError);
    assert.throws(() => parseDatabaseUrl('sqlite://relative.db'), ConfigError);
  });

  test('a bad value stops with a message naming the variable', () => {
    assert.throws(() => loadConfig({ PORT: 'eighty' }), /PORT="eighty" is invalid/);
    assert.throws(() => loadConfig({ PORT: '70000' }), /PORT/);
    assert.throws(() => loadConfig({ ADMIN_TOKEN: 'short' }), /ADMIN_TOKEN/);
    assert.throws(() => loadConfig({ LOG_LEVEL: 'loud' }), /LOG_LEVEL/);
  });

  test('demo data is loaded only when no database or seed is configured, unless asked for', () => {
    assert.equal(loadConfig({ DATABASE_URL: 'sqlite::memory:' }).demoData, false);
    assert.equal(loadConfig({ SEED_FILE: '/tmp/seed.json' }).demoData, false);
    assert.equal(loadConfig({ DATABASE_URL: 'sqlite::memory:', DEMO_DATA: 'true' }).demoData, true);
  });
});
