import type { Command } from 'commander';
import { Payouts } from '../services/payouts.js';
import type { CliContext } from './context.js';

/** `payout run`: pays every store out now, as the daily payout does. */
export function addPayoutCommands(program: Command, cli: CliContext): void {
  program
    .command('payout')
    .description("the stores' payout (it also runs daily at 00:00 UTC platform time)")
    .command('run')
    .description('pay every store out now: its balance (captured minus refunded since the last payout) goes to 0')
    .action(async () => {
      const { db, clock } = await cli.session();
      const stores = await new Payouts(db, clock).payOutNow();
      cli.out.write(`paid out ${stores} store${stores === 1 ? '' : 's'}\n`);
    });
}
