import type { Command } from 'commander';
import { FAULT_KINDS, MAX_FAULT_DELAY_MS, type FaultKind } from '../domain/fault-rule.js';
import { FaultRules } from '../services/fault-injection.js';
import { CliError, type CliContext } from './context.js';
import { JSON_OPTION_HELP, printRecords, timestamp } from './format.js';

/**
 * `fault add|list|remove`: faults injected into a client's calls (issue 11), so an integrator can rehearse
 * timeouts and lost answers outside certification. A running platform applies a change within a quarter second.
 */
export function addFaultCommands(program: Command, cli: CliContext): void {
  const fault = program.command('fault').description("faults injected into a client's calls to the integrator API");
  const rules = async () => {
    const { db, clock } = await cli.session();
    return new FaultRules(db, clock);
  };
  /** Like its admin endpoints, a fault is a sandbox tool: a production platform's clients get none. */
  const sandboxRules = async () => {
    if (!(await cli.session()).config.sandbox) throw new CliError('fault rules are a sandbox tool (SANDBOX=true)');
    return rules();
  };

  fault
    .command('add')
    .description('inject a fault into the Nth call of a client to a route, counted from now (prints the rule id)')
    .requiredOption('--client <clientId>', 'the client whose call gets the fault')
    .requiredOption('--route <route>', 'method and route template, e.g. "POST /pos/v10/pointofsales"')
    .requiredOption('--kind <kind>', `${FAULT_KINDS.join(' | ')}: late answers after the work; error-after answers 500 after it; error-before answers 500 without doing it; drop-after closes the connection after it`)
    .option('--attempt <n>', 'which call gets it (1 = the next)', '1')
    .option('--delay <ms>', `for late: how long the answer is held back, 0 to ${MAX_FAULT_DELAY_MS}`)
    .action(async (opts: { client: string; route: string; kind: string; attempt: string; delay?: string }) => {
      const rule = await (await sandboxRules()).add({
        clientId: opts.client,
        route: opts.route,
        kind: opts.kind as FaultKind,
        attempt: Number(opts.attempt),
        ...(opts.delay === undefined ? {} : { delayMs: Number(opts.delay) }),
      });
      cli.out.write(`fault rule ${rule.ruleId}: call ${rule.attempt} of "${rule.clientId}" to ${rule.route} gets ${rule.kind}\n`);
    });

  fault
    .command('list')
    .description('list the fault rules')
    .option('--json', JSON_OPTION_HELP)
    .action(async (opts: { json?: boolean }) => {
      const listed = (await (await rules()).list()).map((rule) => ({ ...rule, createdAt: timestamp(rule.createdAt) }));
      printRecords(
        cli.out,
        listed,
        [
          ['RULE ID', (r) => r.ruleId],
          ['CLIENT', (r) => r.clientId],
          ['ROUTE', (r) => r.route],
          ['ATTEMPT', (r) => String(r.attempt)],
          ['KIND', (r) => (r.kind === 'late' ? `late ${r.delayMs} ms` : r.kind)],
          ['SEEN', (r) => String(r.callsSeen)],
          ['ORIGIN', (r) => r.origin],
        ],
        { json: opts.json, none: 'no fault rules' },
      );
    });

  fault
    .command('remove')
    .description('remove a fault rule')
    .argument('<ruleId>', 'the rule id (fault list)')
    .action(async (ruleId: string) => {
      if (!(await (await rules()).remove(ruleId))) throw new CliError(`no fault rule ${ruleId}`);
      cli.out.write(`fault rule ${ruleId} removed\n`);
    });
}
