import { HOUR, SECOND } from '../domain/durations.js';
import type { Platform } from '../platform.js';

/** How often the due-timer worker looks for due items (platform time moves in real time between ticks). */
const TICK_MS = SECOND;
const HOUSEKEEPING_MS = HOUR;

export type BackgroundDeps = Pick<Platform, 'config' | 'sandboxClock' | 'dueTimers' | 'idempotency' | 'requestLog' | 'tokens' | 'deliveries'>;

export interface BackgroundWork {
  stop(): Promise<void>;
}

/**
 * What a running platform process does besides answering requests: the due-timer worker (first run at once,
 * so timers that fell due while the platform was down fire now), the notification delivery worker (started,
 * not waited for), request-log writes, and the hourly purge of expired idempotency keys, old request-log records
 * and token-endpoint failures whose block is over. Every process sharing a database runs all of it.
 */
export async function startBackgroundWork(platform: BackgroundDeps, onError: (error: unknown, what: string) => void): Promise<BackgroundWork> {
  const tick = async () => {
    // Another process may have moved the sandbox clock.
    if (platform.config.sandbox) await platform.sandboxClock.sync();
    await platform.dueTimers.runDue();
  };
  await tick();
  let ticking: Promise<void> = Promise.resolve();
  const worker = setInterval(() => {
    ticking = tick().catch((error: unknown) => onError(error, 'due timers'));
  }, TICK_MS);
  const housekeeping = setInterval(() => {
    platform.idempotency.purgeExpired().catch((error: unknown) => onError(error, 'idempotency purge'));
    platform.requestLog.purgeExpired().catch((error: unknown) => onError(error, 'request log purge'));
    platform.tokens.purgeFailures().catch((error: unknown) => onError(error, 'token failure purge'));
  }, HOUSEKEEPING_MS);
  housekeeping.unref();
  platform.requestLog.start((error) => onError(error, 'request log'));
  // Started, never awaited: start-up does not wait for any receiver.
  platform.deliveries.start();

  return {
    async stop() {
      clearInterval(worker);
      // Deliveries under way are aborted at once, their claims given back for the next process.
      const deliveriesStopped = platform.deliveries.stop();
      clearInterval(housekeeping);
      await ticking;
      await deliveriesStopped;
    },
  };
}
