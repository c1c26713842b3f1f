import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import pg from 'pg';
import { Clock } from '../../src/clock.js';
import { loadConfig, type Config, type DatabaseTarget } from '../../src/config.js';
import { buildApp } from '../../src/http/app.js';
import type { DeliveryLimits } from '../../src/jobs/notification-deliveries.js';
import { createPlatform, type Platform } from '../../src/platform.js';
import { CallbackUrlRule } from '../../src/services/callback-urls.js';
import { Onboarding } from '../../src/services/onboarding.js';
import { openDatabase } from '../../src/store/database.js';
import type { Seed } from '../../src/services/seed.js';
import { ManualTime } from './manual-time.js';
import type { FastifyInstance } from 'fastify';

export const ENGINES = ['sqlite', 'postgres'] as const;
export type Engine = (typeof ENGINES)[number];

/** PostgreSQL for the tests; a test that needs it fails (never skips) when it is unreachable. */
export const TEST_POSTGRES_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A fresh, empty database: an in-memory SQLite, or a new schema of its own in the test PostgreSQL. */
export function freshDatabase(engine: Engine): DatabaseTarget {
  if (engine === 'sqlite') return { engine: 'sqlite', file: ':memory:' };
  return { engine: 'postgres', url: TEST_POSTGRES_URL, schema: `test_${process.pid}_${randomBytes(6).toString('hex')}` };
}

/** A database that outlives its platform, for restart tests: an SQLite file, or a PostgreSQL schema. */
export function persistentDatabase(engine: Engine): DatabaseTarget {
  if (engine === 'postgres') return freshDatabase(engine);
  return { engine: 'sqlite', file: join(tmpdir(), `pos-test-${process.pid}-${randomBytes(6).toString('hex')}.db`) };
}

export async function dropDatabase(target: DatabaseTarget): Promise<void> {
  if (target.engine === 'sqlite') {
    if (target.file !== ':memory:') for (const suffix of ['', '-wal', '-shm', '.server-lock']) rmSync(target.file + suffix, { force: true });
    return;
  }
  if (!target.schema) return;
  const client = new pg.Client({ connectionString: target.url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${target.schema}" CASCADE`);
  } finally {
    await client.end();
  }
}

export interface TestPlatform {
  platform: Platform;
  app: FastifyInstance;
  time: ManualTime;
  config: Config;
}

export interface StartOptions {
  seed?: Seed;
  database?: DatabaseTarget;
  env?: Record<string, string>;
  time?: ManualTime;
  /** Keep the database after the test (a restart test drops it itself). */
  keepDatabase?: boolean;
  deliveryLimits?: Partial<DeliveryLimits>;
}

/**
 * A platform and its HTTP app on a fresh database, closed (and its PostgreSQL schema dropped) when the test
 * ends. Time is manual: tests move it, nothing sleeps.
 */
export async function startPlatform(t: TestContext, engine: Engine, options: StartOptions = {}): Promise<TestPlatform> {
  const database = options.database ?? freshDatabase(engine);
  const config: Config = {
    ...loadConfig({ SANDBOX: 'true', DEMO_DATA: 'false', LOG_LEVEL: 'silent', ...options.env }),
    database,
  };
  const time = options.time ?? new ManualTime();
  // A platform that fails to start must not leave its schema behind in the shared test database.
  const platform = await createPlatform(config, { clock: new Clock(time.read), deliveryLimits: options.deliveryLimits }).catch(async (error: unknown) => {
    if (!options.keepDatabase) await dropDatabase(database);
    throw error;
  });
  if (options.seed) {
    const { applySeed } = await import('../../src/services/seed.js');
    await applySeed(platform.onboarding, options.seed);
  }
  const app = await buildApp(platform);
  t.after(async () => {
    await app.close();
    await platform.close();
    if (!options.keepDatabase) await dropDatabase(database);
  });
  return { platform, app, time, config };
}

/** What `pos-admin` does to a database a platform may be serving: an Onboarding on a connection of its own. */
export async function asOperator(database: DatabaseTarget, act: (onboarding: Onboarding) => Promise<void>): Promise<void> {
  const opened = await openDatabase(database);
  try {
    await act(new Onboarding(opened.db, new Clock(), new CallbackUrlRule(true)));
  } finally {
    await opened.close();
  }
}

/** Repeats `probe` until it answers true, for at most `boundMs` (another process notices a change on an interval). */
export async function eventually(probe: () => Promise<boolean>, boundMs = 5000): Promise<boolean> {
  const end = Date.now() + boundMs;
  while (Date.now() < end) {
    if (await probe()) return true;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return probe();
}
