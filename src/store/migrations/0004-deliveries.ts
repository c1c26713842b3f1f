import type { Kysely } from 'kysely';

/**
 * Notification deliveries get a worker of their own: a notification keeps its URL's origin (deliveries are
 * bounded per receiver) and the lease of the process attempting it, and every attempt is recorded.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('notifications').addColumn('origin', 'varchar(2000)', (c) => c.notNull().defaultTo('')).execute();
  await db.schema.alterTable('notifications').addColumn('lease_token', 'varchar(36)').execute();
  await db.schema.alterTable('notifications').addColumn('leased_until', 'bigint').execute();
  const pending: { notification_id: string; url: string }[] = await db.selectFrom('notifications').select(['notification_id', 'url']).execute();
  for (const { notification_id, url } of pending) {
    await db.updateTable('notifications').set({ origin: originOf(url) }).where('notification_id', '=', notification_id).execute();
  }

  await db.schema
    .createTable('notification_attempts')
    .addColumn('notification_id', 'varchar(36)', (c) => c.notNull().references('notifications.notification_id'))
    .addColumn('attempt', 'integer', (c) => c.notNull())
    .addColumn('attempted_at', 'bigint', (c) => c.notNull())
    .addColumn('status', 'integer')
    .addColumn('error', 'varchar(300)')
    .addColumn('latency_ms', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('notification_attempts_pk', ['notification_id', 'attempt'])
    .execute();
}

/** The origin the worker groups by (as the notification service computes it; a migration keeps its own copy). */
function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}
