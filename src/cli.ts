#!/usr/bin/env node
import { existsSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { CliError, type CliContext, type CliIo, type Session } from './cli/context.js';
import { addFaultCommands } from './cli/fault-commands.js';
import { addIntegratorCommands } from './cli/integrator-commands.js';
import { addMerchantCommands } from './cli/merchant-commands.js';
import { addNotificationCommands } from './cli/notification-commands.js';
import { addPayoutCommands } from './cli/payout-commands.js';
import { addRequestLogCommands } from './cli/request-log-commands.js';
import { addUserCommands } from './cli/user-commands.js';
import { Clock } from './clock.js';
import { ConfigError, loadConfig } from './config.js';
import { CallbackUrlRule } from './services/callback-urls.js';
import { FaultRuleError } from './services/fault-injection.js';
import { Onboarding, OnboardingError } from './services/onboarding.js';
import { SandboxClock } from './services/sandbox-clock.js';
import { openDatabase, type OpenDatabase } from './store/database.js';
import { migrateToLatest } from './store/migrate.js';

/** A refused command: bad input or configuration, or a usage error. */
const EXIT_REFUSED = 2;
/** Anything else, such as an unreachable database. */
const EXIT_FAILED = 1;

/**
 * `pos-admin`, the operator's tool: onboards merchants, integrators and users and rotates the token-signing
 * key, in the database the server uses (the same environment: DATABASE_URL etc.), so a running server sees
 * the change at once. Runs one command and resolves to the exit code. `env` is the environment it is configured
 * from (the process's; tests run commands in-process with an environment of their own).
 */
export async function runCli(
  argv: string[],
  io: CliIo = { stdout: process.stdout, stderr: process.stderr },
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  let opened: OpenDatabase | undefined;
  let session: Session | undefined;
  const cli: CliContext = {
    out: io.stdout,
    async session() {
      if (!session) {
        const config = loadConfig(env);
        opened = await openDatabase(config.database);
        await migrateToLatest(opened);
        const clock = new Clock();
        // The operator acts at platform time, which the sandbox clock may have moved.
        if (config.sandbox) await new SandboxClock(opened.db, clock).sync();
        session = { config, db: opened.db, clock, onboarding: new Onboarding(opened.db, clock, new CallbackUrlRule(config.sandbox)) };
      }
      return session;
    },
  };

  // Settings made before the sub-commands are added are inherited by them.
  const program = new Command('pos-admin')
    .description('Operate the MobilePay PoS v10 platform: onboard merchants, integrators and users, rotate signing keys, read the calls of a client and the notifications sent to integrators, pay out stores, inject faults into the calls of a client.')
    .exitOverride()
    .configureOutput({ writeOut: (text) => io.stdout.write(text), writeErr: (text) => io.stderr.write(text) });
  addMerchantCommands(program, cli);
  addIntegratorCommands(program, cli);
  addUserCommands(program, cli);
  addRequestLogCommands(program, cli);
  addPayoutCommands(program, cli);
  addNotificationCommands(program, cli);
  addFaultCommands(program, cli);

  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error) {
    return report(error, io);
  } finally {
    await opened?.close();
  }
}

/** One line on stderr, never a stack trace: the operator needs what to fix, not where the code noticed. */
function report(error: unknown, io: CliIo): number {
  // Commander has already printed its message (or the help, which ends with exit code 0).
  if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : EXIT_REFUSED;
  if (error instanceof OnboardingError || error instanceof CliError || error instanceof FaultRuleError) {
    io.stderr.write(`error: ${error.message}\n`);
    return EXIT_REFUSED;
  }
  if (error instanceof ConfigError) {
    io.stderr.write(`configuration error: ${error.message}\n`);
    return EXIT_REFUSED;
  }
  io.stderr.write(`error: ${messageOf(error)}\n`);
  return EXIT_FAILED;
}

/** A connection refused on every address of a host is an AggregateError without a message of its own. */
function messageOf(error: unknown): string {
  if (error instanceof AggregateError && error.message === '') return error.errors.map(messageOf).join('; ');
  return error instanceof Error ? error.message : String(error);
}

/** Whether this module is the script node was started with (`dist/cli.js`), rather than imported. */
function isMainModule(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  const self = fileURLToPath(import.meta.url);
  // npm's bin link is a symlink to the script, and `node dist/cli` names it without its extension.
  return [script, `${script}.js`].some((path) => existsSync(path) && realpathSync(path) === self);
}

if (isMainModule()) process.exitCode = await runCli(process.argv.slice(2));
