import type { Command } from 'commander';
import { notificationView } from '../services/notifications.js';
import { notificationsRepository } from '../store/repositories/notifications.js';
import type { CliContext } from './context.js';
import { JSON_OPTION_HELP, parseLimit, printRecords, timestamp } from './format.js';

/** `notifications`: the check-in notifications sent to integrators' callbacks, with every attempt. */
export function addNotificationCommands(program: Command, cli: CliContext): void {
  program
    .command('notifications')
    .description('recent check-in notifications, newest first, each with its delivery attempts (status or error, latency)')
    .option('--limit <n>', 'how many notifications', '50')
    .option('--json', JSON_OPTION_HELP)
    .action(async (opts: { limit: string; json?: boolean }) => {
      const limit = parseLimit(opts.limit);
      const { db } = await cli.session();
      const notifications = (await notificationsRepository.listRecent(db, limit)).map((n) => {
        const view = notificationView(n);
        return {
          ...view,
          createdAt: timestamp(view.createdAt),
          nextAttemptAt: view.nextAttemptAt === null ? null : timestamp(view.nextAttemptAt),
          attempts: view.attempts.map((a) => ({ ...a, at: timestamp(a.at) })),
        };
      });
      printRecords(
        cli.out,
        notifications,
        [
          ['CREATED', (n) => n.createdAt],
          ['NOTIFICATION ID', (n) => n.notificationId],
          ['URL', (n) => n.url],
          ['STATE', (n) => n.state],
          ['ATTEMPTS', (n) => n.attempts.map((a) => `${a.attempt}: ${a.status ?? a.error} (${a.latencyMs} ms)`).join('; ')],
        ],
        { json: opts.json, none: 'no notifications' },
      );
    });
}
