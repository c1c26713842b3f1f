import { isAbsolute, resolve } from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { DAY, MINUTE, SECOND } from './domain/durations.js';

/** Where the data lives: the only thing the rest of the code knows about the engine choice. */
export type DatabaseTarget =
  | { engine: 'sqlite'; file: string } // ':memory:' for an in-memory database
  | { engine: 'postgres'; url: string; schema?: string };

const Env = Type.Object({
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 8080 }),
  HOST: Type.String({ minLength: 1, default: '127.0.0.1' }),
  DATABASE_URL: Type.Optional(Type.String({ minLength: 1 })),
  SEED_FILE: Type.Optional(Type.String({ minLength: 1 })),
  ADMIN_TOKEN: Type.Optional(Type.String({ minLength: 16 })),
  SANDBOX: Type.Union([Type.Literal('true'), Type.Literal('false')], { default: 'true' }),
  DEMO_DATA: Type.Union([Type.Literal('true'), Type.Literal('false'), Type.Literal('auto')], { default: 'auto' }),
  PUBLIC_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  POLL_DELAY_MS: Type.Integer({ minimum: 100, maximum: 60000, default: 1000 }),
  TOKEN_LIFETIME_S: Type.Integer({ minimum: 60, maximum: 86400, default: 3700 }),
  PAYMENT_INACTIVITY_TIMEOUT_MS: Type.Integer({ minimum: 1000, default: 5 * MINUTE }),
  RESERVATION_LIFETIME_MS: Type.Integer({ minimum: 1000, default: 7 * DAY }),
  REFUND_AUTO_CAPTURE_MS: Type.Integer({ minimum: 1000, default: DAY }),
  CHECKIN_EXPIRY_MS: Type.Integer({ minimum: 1000, default: MINUTE }),
  REQUEST_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 5 * MINUTE, default: 10 * SECOND }),
  LOG_LEVEL: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
    { default: 'info' },
  ),
});

export interface Config {
  port: number;
  host: string;
  database: DatabaseTarget;
  seedFile?: string;
  adminToken?: string;
  sandbox: boolean;
  /** Load the demo dataset at start: by default only when nothing else configures the platform. */
  demoData: boolean;
  publicUrl?: string;
  pollDelayMs: number;
  tokenLifetimeSeconds: number;
  /** A request whose headers and body have not all arrived within this is answered 408 and its connection closed. */
  requestTimeoutMs: number;
  logLevel: string;
  timings: EngineTimings;
}

/** How long each state may last before the platform moves it on (SPEC §3-5; the defaults are MobilePay's or ours). */
export interface EngineTimings {
  /** An active payment nobody acts on is cancelled by MobilePay after this long (ours: 5 minutes). */
  paymentInactivityMs: number;
  /** A reservation not captured within this is cancelled (7 days, whatever plannedCaptureDelay says). */
  reservationLifetimeMs: number;
  /** A reserved refund is captured automatically after this (24 hours). */
  refundAutoCaptureMs: number;
  /** A check-in waiting for a payment expires after this (ours: 60 seconds). */
  checkinExpiryMs: number;
}

export class ConfigError extends Error {}

const DEFAULT_SQLITE_FILE = 'data/mobilepay-pos.db';

export function parseDatabaseUrl(url: string | undefined, cwd = process.cwd()): DatabaseTarget {
  if (url === undefined || url === '') return { engine: 'sqlite', file: resolve(cwd, DEFAULT_SQLITE_FILE) };
  if (url === 'sqlite::memory:' || url === ':memory:') return { engine: 'sqlite', file: ':memory:' };
  if (/^postgres(ql)?:\/\//.test(url)) return parsePostgresUrl(url);
  if (url.startsWith('sqlite://')) {
    const file = url.slice('sqlite://'.length);
    if (!isAbsolute(file)) throw new ConfigError(`DATABASE_URL: sqlite:// takes an absolute path (sqlite:///var/lib/pos.db), got "${url}"`);
    return { engine: 'sqlite', file };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) {
    throw new ConfigError(`DATABASE_URL: unsupported scheme in "${url}" (use postgres://, sqlite:// or a file path)`);
  }
  return { engine: 'sqlite', file: resolve(cwd, url) };
}

/** A `schema` query parameter (ours) puts the platform's tables in a PostgreSQL schema of their own. */
function parsePostgresUrl(url: string): DatabaseTarget {
  const parsed = new URL(url);
  const schema = parsed.searchParams.get('schema');
  if (schema === null) return { engine: 'postgres', url };
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new ConfigError(`DATABASE_URL: schema "${schema}" must be a lower-case SQL identifier`);
  }
  parsed.searchParams.delete('schema');
  return { engine: 'postgres', url: parsed.toString(), schema };
}

/** Reads the environment into a typed config; a bad value stops start-up with a message naming it. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(Env.properties)) {
    const value = env[key];
    if (value !== undefined && value !== '') raw[key] = value;
  }
  const converted = Value.Convert(Env, Value.Default(Env, raw));
  const firstError = Value.Errors(Env, converted).First();
  if (firstError) {
    const name = firstError.path.replace(/^\//, '');
    throw new ConfigError(`${name}=${JSON.stringify(raw[name] ?? '')} is invalid: ${firstError.message}`);
  }
  const parsed = converted as Static<typeof Env>;
  const configured = parsed.DATABASE_URL !== undefined || parsed.SEED_FILE !== undefined;
  return {
    port: parsed.PORT,
    host: parsed.HOST,
    database: parseDatabaseUrl(parsed.DATABASE_URL),
    seedFile: parsed.SEED_FILE,
    adminToken: parsed.ADMIN_TOKEN,
    sandbox: parsed.SANDBOX === 'true',
    demoData: parsed.DEMO_DATA === 'auto' ? !configured : parsed.DEMO_DATA === 'true',
    publicUrl: parsed.PUBLIC_URL,
    pollDelayMs: parsed.POLL_DELAY_MS,
    tokenLifetimeSeconds: parsed.TOKEN_LIFETIME_S,
    requestTimeoutMs: parsed.REQUEST_TIMEOUT_MS,
    logLevel: parsed.LOG_LEVEL,
    timings: {
      paymentInactivityMs: parsed.PAYMENT_INACTIVITY_TIMEOUT_MS,
      reservationLifetimeMs: parsed.RESERVATION_LIFETIME_MS,
      refundAutoCaptureMs: parsed.REFUND_AUTO_CAPTURE_MS,
      checkinExpiryMs: parsed.CHECKIN_EXPIRY_MS,
    },
  };
}
