import type { Clock } from '../clock.js';
import { newId } from '../domain/ids.js';
import type { Db } from '../store/database.js';
import { integratorsRepository } from '../store/repositories/integrators.js';
import { merchantsRepository } from '../store/repositories/merchants.js';
import { notificationsRepository, type NotificationWithAttempts } from '../store/repositories/notifications.js';
import type { PointOfSale } from '../domain/point-of-sale.js';
import { originOf } from './callback-urls.js';

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
 * check-in's transaction (an outbox, so a crash loses none), and the delivery worker
 * (jobs/notification-deliveries.ts) POSTs it.
 */
export class Notifications {
  constructor(
    private readonly clock: Clock,
    private readonly wakeWorker: () => void,
  ) {}

  /** Queues the check-in notification of `pos` in `trx`, when its callback alias is registered (else nothing). */
  async queueCheckIn(trx: Db, pos: PointOfSale): Promise<void> {
    if (pos.callbackAlias === null) return;
    const alias = await integratorsRepository.findCallbackAlias(trx, pos.integratorId, pos.callbackAlias);
    const store = await merchantsRepository.findStore(trx, pos.storeId);
    if (!alias || !store) return;
    const payload: CheckInNotification = {
      MerchantId: pos.merchantId,
      MerchantBrandId: store.merchantBrandId,
      MerchantLocationId: store.merchantLocationId,
      MerchantPosId: pos.merchantPosId,
      PosId: pos.posId,
    };
    const now = this.clock.now();
    await notificationsRepository.insert(trx, { notificationId: newId(), url: alias.url, origin: originOf(alias.url), payload, createdAt: now }, now);
  }

  /** Wakes the delivery worker: call after the transaction that may have queued a notification has committed. */
  deliverSoon(): void {
    this.wakeWorker();
  }
}

/** A notification as the operator (and later the integrator's console) sees it, with every attempt. */
export interface NotificationView {
  notificationId: string;
  url: string;
  /** Platform times, epoch milliseconds */
  createdAt: number;
  state: 'delivered' | 'pending' | 'given up';
  nextAttemptAt: number | null;
  attempts: { attempt: number; at: number; status: number | null; error: string | null; latencyMs: number }[];
}

export function notificationView(n: NotificationWithAttempts): NotificationView {
  return {
    notificationId: n.notificationId,
    url: n.url,
    createdAt: n.createdAt,
    state: n.deliveredAt !== null ? 'delivered' : n.nextAttemptAt !== null ? 'pending' : 'given up',
    nextAttemptAt: n.nextAttemptAt,
    attempts: n.attemptLog.map((a) => ({ attempt: a.attempt, at: a.attemptedAt, status: a.status, error: a.error, latencyMs: a.latencyMs })),
  };
}
