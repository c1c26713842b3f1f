import type { Db } from '../database.js';
import type { Notification, NotificationAttempt } from '../schema.js';

/** A notification to queue; its payload is the JSON body to POST, stored as its text. */
export type NewNotification = Pick<Notification, 'notification_id' | 'url' | 'origin' | 'created_at'> & { payload: unknown };

/** An attempt's outcome, as recorded. */
export type AttemptRecord = Omit<NotificationAttempt, 'notification_id' | 'attempt'>;

/** What a completed attempt leaves: delivered, or the platform time of the next attempt (null: given up). */
export type AttemptResult = { delivered: true } | { delivered: false; retryAt: number | null; error: string };

/** A notification with its attempts, oldest first. */
export type NotificationWithAttempts = Notification & { attemptLog: NotificationAttempt[] };

export const notificationsRepository = {
  /** Queues a notification, due at once. */
  async insert(db: Db, notification: NewNotification, now: number): Promise<void> {
    await db
      .insertInto('notifications')
      .values({ ...notification, payload: JSON.stringify(notification.payload), attempts: 0, next_attempt_at: now, delivered_at: null, last_error: null, lease_token: null, leased_until: null })
      .execute();
  },

  /**
   * Notifications due at platform time `now` that no process holds a live claim on (wall time `wallNow`),
   * oldest due first, leaving out the receivers in `busyOrigins`.
   */
  listDue(db: Db, now: number, wallNow: number, busyOrigins: string[], limit: number): Promise<Notification[]> {
    let query = db
      .selectFrom('notifications')
      .selectAll()
      .where('next_attempt_at', '<=', now)
      .where((eb) => eb.or([eb('leased_until', 'is', null), eb('leased_until', '<=', wallNow)]));
    if (busyOrigins.length > 0) query = query.where('origin', 'not in', busyOrigins);
    return query.orderBy('next_attempt_at').limit(limit).execute();
  },

  /**
   * Claims the next attempt of a due notification for `token` until wall time `leasedUntil`. The update is
   * conditional on the row being as read and unclaimed (or its claim expired), so among processes running
   * together exactly one makes each attempt.
   */
  async claim(
    db: Db,
    n: Pick<Notification, 'notification_id' | 'attempts'>,
    at: { now: number; wallNow: number },
    token: string,
    leasedUntil: number,
  ): Promise<boolean> {
    const result = await db
      .updateTable('notifications')
      .set({ lease_token: token, leased_until: leasedUntil })
      .where('notification_id', '=', n.notification_id)
      .where('attempts', '=', n.attempts)
      .where('next_attempt_at', '<=', at.now)
      .where((eb) => eb.or([eb('leased_until', 'is', null), eb('leased_until', '<=', at.wallNow)]))
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  },

  /**
   * Completes the attempt claimed by `token`: counts it, records it and schedules what follows, in one
   * transaction. Nothing changes when the claim was lost (it expired and another process took the attempt).
   */
  completeAttempt(db: Db, n: Pick<Notification, 'notification_id' | 'attempts'>, token: string, record: AttemptRecord, result: AttemptResult): Promise<boolean> {
    return db.transaction().execute(async (trx) => {
      const outcome = result.delivered
        ? { delivered_at: record.attempted_at, next_attempt_at: null, last_error: null }
        : { next_attempt_at: result.retryAt, last_error: result.error.slice(0, 300) };
      const updated = await trx
        .updateTable('notifications')
        .set({ ...outcome, attempts: n.attempts + 1, lease_token: null, leased_until: null })
        .where('notification_id', '=', n.notification_id)
        .where('lease_token', '=', token)
        .executeTakeFirst();
      if (updated.numUpdatedRows === 0n) return false;
      await trx
        .insertInto('notification_attempts')
        .values({ ...record, error: record.error?.slice(0, 300) ?? null, notification_id: n.notification_id, attempt: n.attempts + 1 })
        .execute();
      return true;
    });
  },

  /** Gives up the claim of an attempt that never completed (the process is stopping): the attempt is made again. */
  async release(db: Db, notificationId: string, token: string): Promise<void> {
    await db
      .updateTable('notifications')
      .set({ lease_token: null, leased_until: null })
      .where('notification_id', '=', notificationId)
      .where('lease_token', '=', token)
      .execute();
  },

  /** A notification's recorded attempts, oldest first. */
  listAttempts(db: Db, notificationId: string): Promise<NotificationAttempt[]> {
    return db.selectFrom('notification_attempts').selectAll().where('notification_id', '=', notificationId).orderBy('attempt').execute();
  },

  /** The most recent notifications (newest first), each with its attempts. */
  async listRecent(db: Db, limit: number): Promise<NotificationWithAttempts[]> {
    const notifications = await db.selectFrom('notifications').selectAll().orderBy('created_at', 'desc').orderBy('notification_id').limit(limit).execute();
    if (notifications.length === 0) return [];
    const attempts = await db
      .selectFrom('notification_attempts')
      .selectAll()
      .where('notification_id', 'in', notifications.map((n) => n.notification_id))
      .orderBy('attempt')
      .execute();
    return notifications.map((n) => ({ ...n, attemptLog: attempts.filter((a) => a.notification_id === n.notification_id) }));
  },
};
