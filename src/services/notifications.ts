import type { Clock } from '../clock.js';
import { MINUTE, SECOND } from '../domain/durations.js';
import { newId } from '../domain/ids.js';
import type { Db } from '../store/database.js';
import { integratorsRepository } from '../store/repositories/integrators.js';
import { merchantsRepository } from '../store/repositories/merchants.js';
import { notificationsRepository } from '../store/repositories/notifications.js';
import type { Notification, PointOfSale } from '../store/schema.js';

/** MobilePay's rule: a failed delivery is tried 3 more times. */
export const MAX_ATTEMPTS = 4;
/** Ours: the wait before each retry, in platform time (the sandbox clock runs them). */
export const RETRY_DELAYS_MS = [10 * SECOND, MINUTE, 5 * MINUTE] as const;
/** Ours: how long the integrator's endpoint has to answer. */
const DELIVERY_TIMEOUT_MS = 5 * SECOND;
const BATCH = 100;

/** What the integrator's callback receives when a customer checks in on its PoS (SPEC §6). */
export interface CheckInNotification {
  MerchantId: string;
  MerchantBrandId: string;
  MerchantLocationId: string;
  MerchantPosId: string;
  PosId: string;
}

/**
 * The notification service: a check-in on a PoS with a registered callback alias queues a notification in the
 * check-in's transaction (an outbox, so a crash loses none), and the worker POSTs it. Only 200 counts as
 * delivered; anything else, or no answer in time, is tried again later.
 */
export class Notifications {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  /** Queues the check-in notification of `pos` in `trx`, when its callback alias is registered (else nothing). */
  async queueCheckIn(trx: Db, pos: PointOfSale): Promise<void> {
    if (pos.callback_alias === null) return;
    const alias = await integratorsRepository.findCallbackAlias(trx, pos.integrator_id, pos.callback_alias);
    const store = await merchantsRepository.findStore(trx, pos.store_id);
    if (!alias || !store) return;
    const payload: CheckInNotification = {
      MerchantId: pos.merchant_id,
      MerchantBrandId: store.merchant_brand_id,
      MerchantLocationId: store.merchant_location_id,
      MerchantPosId: pos.merchant_pos_id,
      PosId: pos.pos_id,
    };
    const now = this.clock.now();
    await notificationsRepository.insert(trx, { notification_id: newId(), url: alias.url, payload: JSON.stringify(payload), created_at: now }, now);
  }

  /** Makes every attempt due at `now`; the number of notifications delivered. */
  async deliverDue(now: number): Promise<number> {
    let delivered = 0;
    for (;;) {
      const due = await notificationsRepository.listDue(this.db, now, BATCH);
      let attempted = 0;
      for (const notification of due) {
        const retryAt = notification.attempts + 1 < MAX_ATTEMPTS ? now + RETRY_DELAYS_MS[notification.attempts]! : null;
        if (!(await notificationsRepository.claimAttempt(this.db, notification, now, retryAt))) continue;
        attempted++;
        if (await this.#send(notification)) delivered++;
      }
      if (due.length < BATCH || attempted === 0) return delivered;
    }
  }

  async #send(notification: Notification): Promise<boolean> {
    let failure: string;
    try {
      const response = await fetch(notification.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: notification.payload,
        signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
      });
      await response.body?.cancel();
      if (response.status === 200) {
        await notificationsRepository.markDelivered(this.db, notification.notification_id, this.clock.now());
        return true;
      }
      failure = `answered ${response.status}`;
    } catch (error) {
      failure = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    }
    await notificationsRepository.recordFailure(this.db, notification.notification_id, failure);
    return false;
  }
}
