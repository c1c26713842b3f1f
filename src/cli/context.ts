import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Onboarding } from '../services/onboarding.js';
import type { Db } from '../store/database.js';

export interface Writer {
  write(text: string): unknown;
}

export interface CliIo {
  stdout: Writer;
  stderr: Writer;
}

/** What a command works with. */
export interface Session {
  config: Config;
  db: Db;
  clock: Clock;
  onboarding: Onboarding;
}

export interface CliContext {
  out: Writer;
  /** Opens the database on first use, so `--help` and usage errors never touch it. */
  session(): Promise<Session>;
}

/** A refused command that the services do not check themselves, such as an unknown name in a list filter. */
export class CliError extends Error {}
