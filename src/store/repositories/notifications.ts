import type { Db } from '../database.js';
import type { NotificationAttemptTable, NotificationTable } from '../schema.js';

/** A check-in notification in the outbox (SPEC §6); see NotificationTable for what each field means. */
export interface Notification {
  notificationId: string;
  url: string;
  /** The JSON body to POST, as its text */
  payload: string;
  origin: string;
  attempts: number;
  nextAttemptAt: number | null;
  leaseToken: string | null;
  leasedUntil: number | null;
  deliveredAt: number | null;
  lastError: string | null;
  createdAt: number;
}

/** One completed delivery attempt. */
export interface NotificationAttempt {
  notificationId: string;
  attempt: number;
  attemptedAt: number;
  status: number | null;
  error: string | null;
  latencyMs: number;
}

/** A notification to queue, due at once; its payload is stored as JSON text. */
export interface NewNotification {
  notificationId: string;
  url: string;
  origin: string;
  payload: unknown;
  createdAt: number;
}

/** An attempt's outcome, as recorded. */
export type AttemptRecord = Omit<NotificationAttempt, 'notificationId' | 'attempt'>;

/** What a completed attempt leaves: delivered, or the platform time of the next attempt (null: given up). */
export type AttemptResult = { delivered: true } | { delivered: false; retryAt: number | null; error: string };

/** A notification with its attempts, oldest first. */
export type NotificationWithAttempts = Notification & { attemptLog: NotificationAttempt[] };

/** Which attempt of which notification a claim or a completion is about. */
export type AttemptOf = Pick<Notification, 'notificationId' | 'attempts'>;

const toNotification = (row: NotificationTable): Notification => ({
  notificationId: row.notification_id,
  url: row.url,
  payload: row.payload,
  origin: row.origin,
  attempts: row.attempts,
  nextAttemptAt: row.next_attempt_at,
  leaseToken: row.lease_token,
  leasedUntil: row.leased_until,
  deliveredAt: row.delivered_at,
  lastError: row.last_error,
  createdAt: row.created_at,
});

const toAttempt = (row: NotificationAttemptTable): NotificationAttempt => ({
  notificationId: row.notification_id,
  attempt: row.attempt,
  attemptedAt: row.attempted_at,
  status: row.status,
  error: row.error,
  latencyMs: row.latency_ms,
});

export const notificationsRepository = {
  /** Queues a notification, due at once. */
  async insert(db: Db, notification: NewNotification, now: number): Promise<void> {
    await db
      .insertInto('notifications')
      .values({
        notification_id: notification.notificationId,
        url: notification.url,
        origin: notification.origin,
        payload: JSON.stringify(notification.payload),
        created_at: notification.createdAt,
        attempts: 0,
        next_attempt_at: now,
        delivered_at: null,
        last_error: null,
        lease_token: null,
        leased_until: null,
      })
      .execute();
  },

  /**
   * Notifications due at platform time `now` that no process holds a live claim on (wall time `wallNow`),
   * oldest due first, leaving out the receivers in `busyOrigins`.
   */
  async listDue(db: Db, now: number, wallNow: number, busyOrigins: string[], limit: number): Promise<Notification[]> {
    let query = db
      .selectFrom('notifications')
      .selectAll()
      .where('next_attempt_at', '<=', now)
      .where((eb) => eb.or([eb('leased_until', 'is', null), eb('leased_until', '<=', wallNow)]));
    if (busyOrigins.length > 0) query = query.where('origin', 'not in', busyOrigins);
    return (await query.orderBy('next_attempt_at').limit(limit).execute()).map(toNotification);
  },

  /**
   * Claims the next attempt of a due notification for `token` until wall time `leasedUntil`. The update is
   * conditional on the row being as read and unclaimed (or its claim expired), so among processes running
   * together exactly one makes each attempt.
   */
  async claim(db: Db, n: AttemptOf, at: { now: number; wallNow: number }, token: string, leasedUntil: number): Promise<boolean> {
    const result = await db
      .updateTable('notifications')
      .set({ lease_token: token, leased_until: leasedUntil })
      .where('notification_id', '=', n.notificationId)
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
  completeAttempt(db: Db, n: AttemptOf, token: string, record: AttemptRecord, result: AttemptResult): Promise<boolean> {
    return db.transaction().execute(async (trx) => {
      const outcome = result.delivered
        ? { delivered_at: record.attemptedAt, next_attempt_at: null, last_error: null }
        : { next_attempt_at: result.retryAt, last_error: result.error.slice(0, 300) };
      const updated = await trx
        .updateTable('notifications')
        .set({ ...outcome, attempts: n.attempts + 1, lease_token: null, leased_until: null })
        .where('notification_id', '=', n.notificationId)
        .where('lease_token', '=', token)
        .executeTakeFirst();
      if (updated.numUpdatedRows === 0n) return false;
      await trx
        .insertInto('notification_attempts')
        .values({
          notification_id: n.notificationId,
          attempt: n.attempts + 1,
          attempted_at: record.attemptedAt,
          status: record.status,
          error: record.error?.slice(0, 300) ?? null,
          latency_ms: record.latencyMs,
        })
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
  async listAttempts(db: Db, notificationId: string): Promise<NotificationAttempt[]> {
    const rows = await db.selectFrom('notification_attempts').selectAll().where('notification_id', '=', notificationId).orderBy('attempt').execute();
    return rows.map(toAttempt);
  },

  /** The most recent notifications (newest first), each with its attempts. */
  async listRecent(db: Db, limit: number): Promise<NotificationWithAttempts[]> {
    const notifications = await db.selectFrom('notifications').selectAll().orderBy('created_at', 'desc').orderBy('notification_id').limit(limit).execute();
    if (notifications.length === 0) return [];
    const attempts = (
      await db
        .selectFrom('notification_attempts')
        .selectAll()
        .where('notification_id', 'in', notifications.map((n) => n.notification_id))
        .orderBy('attempt')
        .execute()
    ).map(toAttempt);
    return notifications.map((n) => ({ ...toNotification(n), attemptLog: attempts.filter((a) => a.notificationId === n.notification_id) }));
  },
};
