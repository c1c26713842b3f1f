import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.js';
import { MINUTE, SECOND } from '../domain/durations.js';
import type { CallbackUrlRule } from '../services/callback-urls.js';
import type { Db } from '../store/database.js';
import { notificationsRepository, type AttemptResult, type Notification } from '../store/repositories/notifications.js';
import { postCallback, type PostOutcome } from './post-callback.js';

/** MobilePay's rule: a failed delivery is tried 3 more times. */
const MAX_ATTEMPTS = 4;
/** Ours: the wait before each retry, in platform time (the sandbox clock runs them). */
const RETRY_DELAYS_MS = [10 * SECOND, MINUTE, 5 * MINUTE] as const;

export interface DeliveryLimits {
  /** Deliveries in flight to one receiver (a URL origin) from this process */
  perReceiver: number;
  /** Deliveries in flight from this process */
  total: number;
  /** How long a receiver has to answer */
  timeoutMs: number;
  /** How often due deliveries are looked for once started (a wake-up looks at once) */
  pollMs: number;
}

export const DEFAULT_DELIVERY_LIMITS: DeliveryLimits = { perReceiver: 4, total: 64, timeoutMs: 5 * SECOND, pollMs: SECOND };

/** How long after the timeout a claim outlives its attempt, so a live attempt is never taken over. */
const LEASE_MARGIN_MS = 30 * SECOND;

/**
 * The notification delivery worker (SPEC §6). Deliveries run beside everything else, never inside it: the
 * due-timer run, the sandbox clock, start-up and shutdown only wake or stop this worker, so a slow, silent or
 * hostile receiver delays nothing but its own deliveries. A pass reads due notifications and starts as many as
 * the bounds allow (a few per receiver, more in all), each claimed by a conditional update that leases it to
 * this process: with several processes on one PostgreSQL exactly one makes each attempt, and a process killed
 * mid-attempt loses nothing (its lease runs out and another process makes the attempt). Every completed
 * attempt is counted and recorded with its outcome in one transaction; stopping aborts the attempts under way
 * and gives their claims back, uncounted, so the next process sends them.
 */
export class NotificationDeliveries {
  readonly #inFlight = new Map<Promise<void>, string>();
  readonly #stop = new AbortController();
  #pass: Promise<void> | null = null;
  #passAgain = false;
  #poller: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly rule: CallbackUrlRule,
    private readonly limits: DeliveryLimits,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Looks for due deliveries every `pollMs` (platform time moves on by itself), and at once. */
  start(): void {
    if (this.#poller || this.#stop.signal.aborted) return;
    this.#poller = setInterval(() => this.wake(), this.limits.pollMs);
    this.wake();
  }

  /** Starts a pass now, or another right after the one under way; returns at once. */
  wake(): void {
    if (this.#stop.signal.aborted) return;
    if (this.#pass) {
      this.#passAgain = true;
      return;
    }
    this.#pass = this.#passes()
      .catch(this.onError)
      .finally(() => (this.#pass = null));
  }

  /** Resolves once no pass runs and no delivery is in flight (tests wait for this, bounded). */
  async idle(): Promise<void> {
    while (this.#pass || this.#inFlight.size > 0) await Promise.all([this.#pass, ...this.#inFlight.keys()]);
  }

  /** Aborts the deliveries under way (their claims are given back, uncounted) and starts no more. */
  async stop(): Promise<void> {
    clearInterval(this.#poller);
    this.#stop.abort();
    await this.idle();
  }

  async #passes(): Promise<void> {
    do {
      this.#passAgain = false;
      if (await this.#fill()) this.#passAgain = true;
    } while (this.#passAgain && !this.#stop.signal.aborted);
  }

  /** Starts what the bounds allow of what is due; true when another pass may find more to start. */
  async #fill(): Promise<boolean> {
    const room = this.limits.total - this.#inFlight.size;
    if (room <= 0) return false;
    const busy = [...this.#perReceiver()].filter(([, count]) => count >= this.limits.perReceiver).map(([origin]) => origin);
    const due = await notificationsRepository.listDue(this.db, this.clock.now(), this.clock.wallNow(), busy, room);
    let started = 0;
    let skipped = 0;
    for (const notification of due) {
      if (this.#stop.signal.aborted || this.#inFlight.size >= this.limits.total) break;
      if ((this.#perReceiver().get(notification.origin) ?? 0) >= this.limits.perReceiver) {
        skipped++;
        continue;
      }
      if (await this.#claimAndStart(notification)) started++;
    }
    // Skipped ones belong to a receiver that filled up during this pass: the next pass leaves it out.
    return started > 0 && (due.length === room || skipped > 0);
  }

  #perReceiver(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const origin of this.#inFlight.values()) counts.set(origin, (counts.get(origin) ?? 0) + 1);
    return counts;
  }

  async #claimAndStart(notification: Notification): Promise<boolean> {
    const token = randomUUID();
    const at = { now: this.clock.now(), wallNow: this.clock.wallNow() };
    const leasedUntil = at.wallNow + this.limits.timeoutMs + LEASE_MARGIN_MS;
    if (!(await notificationsRepository.claim(this.db, notification, at, token, leasedUntil))) return false;
    const delivery = this.#deliver(notification, token)
      .catch(this.onError)
      .finally(() => {
        this.#inFlight.delete(delivery);
        this.wake(); // room for the next one
      });
    this.#inFlight.set(delivery, notification.origin);
    return true;
  }

  async #deliver(notification: Notification, token: string): Promise<void> {
    const attemptedAt = this.clock.now();
    const started = performance.now();
    const outcome = await postCallback(notification.url, notification.payload, this.rule, { timeoutMs: this.limits.timeoutMs, stop: this.#stop.signal });
    if ('stopped' in outcome) {
      await notificationsRepository.release(this.db, notification.notificationId, token);
      return;
    }
    const record = {
      attemptedAt,
      status: 'status' in outcome ? outcome.status : null,
      error: 'error' in outcome ? outcome.error : null,
      latencyMs: Math.round(performance.now() - started),
    };
    await notificationsRepository.completeAttempt(this.db, notification, token, record, this.#result(notification, outcome));
  }

  /** Only 200 counts as delivered; a failed attempt is retried on the backoff schedule until the last one. */
  #result(notification: Notification, outcome: Exclude<PostOutcome, { stopped: true }>): AttemptResult {
    if ('status' in outcome && outcome.status === 200) return { delivered: true };
    const delay = RETRY_DELAYS_MS[notification.attempts];
    return {
      delivered: false,
      retryAt: notification.attempts + 1 < MAX_ATTEMPTS && delay !== undefined ? this.clock.now() + delay : null,
      error: 'status' in outcome ? `answered ${outcome.status}` : outcome.error,
    };
  }
}
