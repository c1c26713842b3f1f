import type { Command } from 'commander';
import { baseUrlOf } from '../platform.js';
import { TokenService } from '../services/tokens.js';
import type { Db } from '../store/database.js';
import { integratorsRepository } from '../store/repositories/integrators.js';
import { CliError, type CliContext } from './context.js';
import { JSON_OPTION_HELP, printRecords, timestamp, yesNo } from './format.js';

/** `integrator`, `client`, `alias` and `keys`: who calls the API, with which credentials, and the keys of their tokens. */
export function addIntegratorCommands(program: Command, cli: CliContext): void {
  const integrator = program.command('integrator').description('integrators (PoS vendors), known by their name');
  integrator
    .command('add')
    .description('add an integrator (prints its integratorId); an existing one is left as it is')
    .requiredOption('--name <name>', 'integrator name')
    .action(async (opts: { name: string }) => {
      const { onboarding } = await cli.session();
      const saved = await onboarding.upsertIntegrator(opts.name);
      cli.out.write(`integrator "${saved.name}": integratorId ${saved.integratorId}\n`);
    });
  integrator
    .command('list')
    .description('list integrators')
    .option('--json', JSON_OPTION_HELP)
    .action(async (opts: { json?: boolean }) => {
      const { db } = await cli.session();
      const merchantsOf = new Map<string, string[]>();
      for (const link of await integratorsRepository.listLinks(db)) {
        merchantsOf.set(link.integratorId, [...(merchantsOf.get(link.integratorId) ?? []), link.vatNumber]);
      }
      const integrators = (await integratorsRepository.list(db)).map((i) => ({
        integratorId: i.integratorId,
        name: i.name,
        merchants: merchantsOf.get(i.integratorId) ?? [],
        createdAt: timestamp(i.createdAt),
      }));
      printRecords(
        cli.out,
        integrators,
        [
          ['NAME', (i) => i.name],
          ['INTEGRATOR ID', (i) => i.integratorId],
          ['CREATED', (i) => i.createdAt],
          ['MERCHANTS', (i) => (i.merchants.length ? i.merchants.join(',') : '(none: its calls are refused)')],
        ],
        { json: opts.json, none: 'no integrators' },
      );
    });

  for (const [name, linked] of [['link', true], ['unlink', false]] as const) {
    integrator
      .command(name)
      .description(linked ? 'let an integrator act for a merchant' : 'stop an integrator acting for a merchant (at once, in every process)')
      .requiredOption('--integrator <name>', 'integrator name')
      .requiredOption('--vat <vatNumber>', "the merchant's VAT number")
      .action(async (opts: { integrator: string; vat: string }) => {
        const { onboarding } = await cli.session();
        if (linked) await onboarding.linkMerchant(opts.integrator, opts.vat);
        else await onboarding.unlinkMerchant(opts.integrator, opts.vat);
        cli.out.write(`integrator "${opts.integrator}" ${linked ? 'may act' : 'may no longer act'} for merchant ${opts.vat}\n`);
      });
  }

  const client = program.command('client').description("integrators' OAuth clients (client credentials)");
  client
    .command('add')
    .description("add an integrator's OAuth client, or set its secret")
    .requiredOption('--integrator <name>', 'integrator name')
    .requiredOption('--client-id <clientId>', '1-100 of A-Z a-z 0-9 . _ ~ -')
    .option('--secret <secret>', 'client secret (default: a new random one, printed once)')
    .action(async (opts: { integrator: string; clientId: string; secret?: string }) => {
      const { onboarding } = await cli.session();
      const saved = await onboarding.upsertClient(opts.integrator, opts.clientId, opts.secret);
      cli.out.write(`client ${saved.clientId} of integrator "${opts.integrator}" saved\n`);
      if (saved.clientSecret !== undefined) {
        cli.out.write(
          `client_secret: ${saved.clientSecret}\n` +
            'This secret cannot be shown again: only its hash is stored. ' +
            '`client add` without --secret replaces it with a new one.\n',
        );
      }
    });
  for (const [name, disabled] of [['disable', true], ['enable', false]] as const) {
    client
      .command(name)
      .description(disabled ? 'disable a client: its tokens stop working at once and it gets no new one' : 'enable a disabled client again')
      .requiredOption('--client-id <clientId>', 'the client')
      .action(async (opts: { clientId: string }) => {
        const { onboarding } = await cli.session();
        await onboarding.setClientDisabled(opts.clientId, disabled);
        cli.out.write(`client ${opts.clientId} ${disabled ? 'disabled' : 'enabled'}\n`);
      });
  }
  client
    .command('list')
    .description('list OAuth clients (secrets are never shown)')
    .option('--integrator <name>', "only this integrator's")
    .option('--json', JSON_OPTION_HELP)
    .action(async (opts: { integrator?: string; json?: boolean }) => {
      const { db } = await cli.session();
      const nameOf = await integratorNames(db);
      const clients = (await integratorsRepository.listClients(db, await integratorIdOf(db, opts.integrator))).map((c) => ({
        clientId: c.clientId,
        integrator: nameOf.get(c.integratorId) ?? '',
        integratorId: c.integratorId,
        disabled: c.disabledAt !== null,
        createdAt: timestamp(c.createdAt),
      }));
      printRecords(
        cli.out,
        clients,
        [
          ['CLIENT ID', (c) => c.clientId],
          ['INTEGRATOR', (c) => c.integrator],
          ['DISABLED', (c) => yesNo(c.disabled)],
          ['CREATED', (c) => c.createdAt],
        ],
        { json: opts.json, none: 'no clients' },
      );
    });

  const alias = program.command('alias').description("integrators' callback aliases: named URLs that points of sale refer to");
  alias
    .command('set')
    .description('add a callback alias, or change its URL')
    .requiredOption('--integrator <name>', 'integrator name')
    .requiredOption('--alias <alias>', 'alias name, 1-36 characters')
    .requiredOption('--url <url>', 'https:// URL (http:// only on loopback)')
    .action(async (opts: { integrator: string; alias: string; url: string }) => {
      const { onboarding } = await cli.session();
      await onboarding.upsertCallbackAlias(opts.integrator, opts.alias, opts.url);
      cli.out.write(`callback alias ${opts.alias} of integrator "${opts.integrator}": ${opts.url}\n`);
    });
  alias
    .command('list')
    .description('list callback aliases')
    .option('--integrator <name>', "only this integrator's")
    .option('--json', JSON_OPTION_HELP)
    .action(async (opts: { integrator?: string; json?: boolean }) => {
      const { db } = await cli.session();
      const nameOf = await integratorNames(db);
      const aliases = (await integratorsRepository.listCallbackAliases(db, await integratorIdOf(db, opts.integrator))).map((a) => ({
        integrator: nameOf.get(a.integratorId) ?? '',
        alias: a.alias,
        url: a.url,
      }));
      printRecords(
        cli.out,
        aliases,
        [
          ['INTEGRATOR', (a) => a.integrator],
          ['ALIAS', (a) => a.alias],
          ['URL', (a) => a.url],
        ],
        { json: opts.json, none: 'no callback aliases' },
      );
    });

  const keys = program.command('keys').description('the keys that sign access tokens');
  keys
    .command('rotate')
    .description('make a new signing key the active one (prints its key id)')
    .action(async () => {
      const { config, db, clock } = await cli.session();
      const tokens = new TokenService(db, clock, {
        issuer: `${baseUrlOf(config)}/integrator-authentication`,
        lifetimeSeconds: config.tokenLifetimeSeconds,
      });
      const kid = await tokens.rotate();
      cli.out.write(
        `new signing key: ${kid}\n` +
          `Tokens signed with earlier keys stay valid until they expire (within ${config.tokenLifetimeSeconds} s).\n`,
      );
    });
}

async function integratorNames(db: Db): Promise<Map<string, string>> {
  return new Map((await integratorsRepository.list(db)).map((i) => [i.integratorId, i.name]));
}

/** The integrator an `--integrator` filter names; no filter when not given. */
async function integratorIdOf(db: Db, name: string | undefined): Promise<string | undefined> {
  if (name === undefined) return undefined;
  const found = await integratorsRepository.findByName(db, name);
  if (!found) throw new CliError(`no integrator named "${name}"`);
  return found.integratorId;
}
