import type { Command } from 'commander';
import { callView } from '../services/request-log.js';
import { requestLogRepository } from '../store/repositories/request-log.js';
import type { CliContext } from './context.js';
import { JSON_OPTION_HELP, parseLimit, printRecords, timestamp, yesNo } from './format.js';

/** `requests`: a client's recent /pos/v10 calls, as the request log recorded them. */
export function addRequestLogCommands(program: Command, cli: CliContext): void {
  program
    .command('requests')
    .description("a client's recent /pos/v10 calls, newest first, with polls that came sooner than pollDelayInMs and calls accepted outside the contract flagged")
    .requiredOption('--client <clientId>', 'the OAuth client id')
    .option('--limit <n>', 'how many calls', '50')
    .option('--too-soon', 'only the polls that came too soon')
    .option('--json', JSON_OPTION_HELP)
    .action(async (opts: { client: string; limit: string; tooSoon?: boolean; json?: boolean }) => {
      const limit = parseLimit(opts.limit);
      const { db } = await cli.session();
      const calls = (await requestLogRepository.recent(db, { clientId: opts.client, limit, onlyPolledTooSoon: opts.tooSoon })).map((entry) => {
        const { route: _route, ...call } = callView(entry);
        return { ...call, at: timestamp(call.at) };
      });
      printRecords(
        cli.out,
        calls,
        [
          ['TIME', (c) => c.at],
          ['METHOD', (c) => c.method],
          ['PATH', (c) => c.path],
          ['STATUS', (c) => String(c.status)],
          ['MS', (c) => c.latencyMs.toFixed(1)],
          ['CORRELATION ID', (c) => c.correlationId],
          ['IDEMPOTENCY KEY', (c) => c.idempotencyKey ?? ''],
          ['POLLED TOO SOON', (c) => yesNo(c.polledTooSoon)],
          ['OUTSIDE CONTRACT', (c) => yesNo(c.outsideContract)],
        ],
        { json: opts.json, none: `no calls recorded for client ${opts.client}` },
      );
    });
}
