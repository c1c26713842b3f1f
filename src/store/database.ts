import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { Kysely, PostgresDialect, sql, type PostgresDialectConfig, type SqliteDatabase } from 'kysely';
import type { DatabaseTarget } from '../config.js';
import { OneSchemaIntrospector } from './one-schema-introspector.js';
import { enablePaymentCache } from './payment-cache.js';
import { PaymentChangeFeed } from './payment-change-feed.js';
import type { Database } from './schema.js';
import { BoundedWaitSqliteDialect, SQLITE_CONNECTION_WAIT_MS } from './sqlite-bounded-wait.js';
import { claimServerLock } from './sqlite-server-lock.js';

export type Db = Kysely<Database>;

export interface OpenDatabase {
  db: Db;
  engine: DatabaseTarget['engine'];
  /** PostgreSQL: the schema the tables live in (`public` unless the URL names one); SQLite has none. */
  schema?: string;
  close(): Promise<void>;
}

/** PostgreSQL as Kysely drives it, but introspection (the migrator's) sees only the platform's own schema. */
class OneSchemaPostgresDialect extends PostgresDialect {
  readonly #schema: string;

  constructor(config: PostgresDialectConfig, schema: string) {
    super(config);
    this.#schema = schema;
  }

  override createIntrospector(db: Kysely<any>) {
    return new OneSchemaIntrospector(db, this.#schema);
  }
}

const PG_INT8 = 20;
const PG_NUMERIC = 1700;

/** Distinct SQL texts kept prepared; queries with IN lists or multi-row inserts vary, so the cache is bounded. */
const STATEMENT_CACHE_SIZE = 500;

/**
 * Kysely's SQLite driver prepares every query it runs; preparing costs more than running a lookup by key.
 * Statements are reusable (Kysely runs each to completion with `all` or `run`), so the same SQL text is
 * prepared once. The least recently used statement leaves when the cache is full.
 */
function withStatementCache(sqlite: SQLite.Database): SqliteDatabase {
  const prepared = new Map<string, SQLite.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(text: string) {
      let statement = prepared.get(text);
      if (statement) {
        prepared.delete(text); // re-inserted below: Map order is the recency order
      } else {
        statement = sqlite.prepare(text);
        if (prepared.size >= STATEMENT_CACHE_SIZE) prepared.delete(prepared.keys().next().value as string);
      }
      prepared.set(text, statement);
      return statement;
    },
  };
}

export interface OpenOptions {
  /**
   * Opened by a platform process that serves the database (not by the operator CLI): an SQLite file is then
   * claimed for this process alone, and a second server on it refuses to start (DatabaseInUseError).
   */
  serve?: boolean;
  /** A served PostgreSQL database: told when the payment change feed loses its connection (it reconnects). */
  onFeedError?: (error: Error) => void;
  /** SQLite: how long a query may wait for the one connection (sqlite-bounded-wait.ts; tests shorten it). */
  sqliteConnectionWaitMs?: number;
}

/** The signing keys and client secrets' hashes live in the database: its files are readable by their owner only. */
const OWNER_ONLY = 0o600;

/**
 * Creates an SQLite file readable by its owner only, and narrows one an older version made readable by others.
 * SQLite creates the -wal and -shm files with the database file's permissions.
 */
function ownerOnlySqliteFile(file: string): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  if (!existsSync(file)) closeSync(openSync(file, 'a', OWNER_ONLY));
  for (const path of [file, `${file}-wal`, `${file}-shm`]) if (existsSync(path)) chmodSync(path, OWNER_ONLY);
}

/**
 * The one place that knows SQLite from PostgreSQL. Everything else uses portable Kysely.
 */
export async function openDatabase(target: DatabaseTarget, options: OpenOptions = {}): Promise<OpenDatabase> {
  if (target.engine === 'sqlite') {
    const inMemory = target.file === ':memory:';
    if (!inMemory) ownerOnlySqliteFile(target.file);
    const serverLock = options.serve && !inMemory ? claimServerLock(target.file) : undefined;
    const sqlite = new SQLite(target.file);
    // WAL with synchronous=NORMAL loses nothing when the process dies (only an OS crash can lose the last
    // commits) and is five times faster than FULL; busy_timeout covers the operator CLI writing alongside.
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('busy_timeout = 5000');
    sqlite.pragma('foreign_keys = ON');
    const dialect = new BoundedWaitSqliteDialect({ database: withStatementCache(sqlite) }, options.sqliteConnectionWaitMs ?? SQLITE_CONNECTION_WAIT_MS);
    const db = new Kysely<Database>({ dialect });
    // One platform process serves an SQLite database (several share a PostgreSQL), so it may cache payments.
    enablePaymentCache(db);
    return {
      db,
      engine: 'sqlite',
      close: async () => {
        await db.destroy();
        serverLock?.release();
      },
    };
  }

  // Epoch-millisecond times, money and counts are bigint/numeric in PostgreSQL; all fit a JS number exactly.
  const types = {
    getTypeParser(oid: number, format?: 'text' | 'binary') {
      if (oid === PG_INT8 || oid === PG_NUMERIC) return (value: string) => Number(value);
      return pg.types.getTypeParser(oid, format);
    },
  } as pg.CustomTypesConfig;
  const pool = new pg.Pool({
    connectionString: target.url,
    types,
    max: 10,
    // A schema of its own isolates a test run or a tenant; created on first use.
    ...(target.schema ? { options: `-c search_path=${target.schema}` } : {}),
  });
  if (target.schema) {
    const client = await pool.connect();
    try {
      await client.query(`CREATE SCHEMA IF NOT EXISTS "${target.schema.replace(/"/g, '')}"`);
    } finally {
      client.release();
    }
  }
  const schema = target.schema ?? 'public';
  const db = new Kysely<Database>({ dialect: new OneSchemaPostgresDialect({ pool }, schema) });
  await sql`select 1`.execute(db); // fail at start, with the driver's message, when PostgreSQL is unreachable
  if (!options.serve) return { db, engine: 'postgres', schema, close: () => db.destroy() };
  // Several processes share a PostgreSQL: a server caches payments only as long as the database tells it of
  // every change any process commits.
  const feed = new PaymentChangeFeed(target.url, schema, enablePaymentCache(db, true), options.onFeedError ?? (() => {}));
  await feed.start();
  return {
    db,
    engine: 'postgres',
    schema,
    close: async () => {
      await feed.close();
      await db.destroy();
    },
  };
}
