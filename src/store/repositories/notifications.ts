import type { Db } from '../database.js';
import type { Notification } from '../schema.js';

export type NewNotification = Pick<Notification, 'notification_id' | 'url' | 'payload' | 'created_at'>;

export const notificationsRepository = {
  /** Queues a notification, due at once. */
  async insert(db: Db, notification: NewNotification, now: number): Promise<void> {
    await db
      .insertInto('notifications')
      .values({ ...notification, attempts: 0, next_attempt_at: now, delivered_at: null, last_error: null })
      .execute();
  },

  listDue(db: Db, now: number, limit: number): Promise<Notification[]> {
    return db.selectFrom('notifications').selectAll().where('next_attempt_at', '<=', now).orderBy('next_attempt_at').limit(limit).execute();
  },

  /**
   * Claims the next attempt of a due notification: counts it and schedules the one after (`retryAt`, or none),
   * guarded by the attempt count, so among processes running together exactly one makes each attempt. Should
   * the process die while sending, the scheduled retry still happens.
   */
  async claimAttempt(db: Db, n: Pick<Notification, 'notification_id' | 'attempts'>, now: number, retryAt: number | null): Promise<boolean> {
    const result = await db
      .updateTable('notifications')
      .set({ attempts: n.attempts + 1, next_attempt_at: retryAt })
      .where('notification_id', '=', n.notification_id)
      .where('attempts', '=', n.attempts)
      .where('next_attempt_at', '<=', now)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  },

  async markDelivered(db: Db, notificationId: string, at: number): Promise<void> {
    await db
      .updateTable('notifications')
      .set({ delivered_at: at, next_attempt_at: null, last_error: null })
      .where('notification_id', '=', notificationId)
      .execute();
  },

  async recordFailure(db: Db, notificationId: string, error: string): Promise<void> {
    await db.updateTable('notifications').set({ last_error: error.slice(0, 300) }).where('notification_id', '=', notificationId).execute();
  },
};
