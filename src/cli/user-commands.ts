import { Option, type Command } from 'commander';
import { customersRepository } from '../store/repositories/customers.js';
import type { CliContext } from './context.js';
import { JSON_OPTION_HELP, printRecords, yesNo } from './format.js';

/** `user`: MobilePay users (sandbox customers) that can check in and pay. */
export function addUserCommands(program: Command, cli: CliContext): void {
  const user = program.command('user').description('MobilePay users that can check in and pay');
  user
    .command('add')
    .description('add a user, or replace the profile of one (its customer tokens stay)')
    .requiredOption('--phone <phoneNumber>', '+ followed by 8-15 digits')
    .addOption(new Option('--source <paymentSource>', 'payment source').choices(['Credit', 'Debit']).makeOptionMandatory())
    .option('--loyalty-id <ids...>', 'loyalty program ids the user is a member of')
    .option('--partial-capture', 'the payment card allows partial capture')
    .action(async (opts: { phone: string; source: 'Credit' | 'Debit'; loyaltyId?: string[]; partialCapture?: boolean }) => {
      const { onboarding } = await cli.session();
      await onboarding.upsertCustomer({
        phoneNumber: opts.phone,
        paymentSource: opts.source,
        loyaltyIds: opts.loyaltyId,
        partialCapturePossible: opts.partialCapture,
      });
      cli.out.write(`user ${opts.phone} (${opts.source}) saved\n`);
    });
  user
    .command('list')
    .description('list users')
    .option('--json', JSON_OPTION_HELP)
    .action(async (opts: { json?: boolean }) => {
      const { db } = await cli.session();
      const users = (await customersRepository.list(db)).map((c) => ({
        phoneNumber: c.phoneNumber,
        paymentSource: c.paymentSource,
        loyaltyIds: c.loyaltyIds,
        partialCapturePossible: c.partialCapturePossible,
      }));
      printRecords(
        cli.out,
        users,
        [
          ['PHONE', (u) => u.phoneNumber],
          ['SOURCE', (u) => u.paymentSource],
          ['LOYALTY IDS', (u) => u.loyaltyIds.join(',')],
          ['PARTIAL CAPTURE', (u) => yesNo(u.partialCapturePossible)],
        ],
        { json: opts.json, none: 'no users' },
      );
    });
}
