import { HOUR, SECOND } from '../domain/durations.js';
import type { Platform } from '../platform.js';

/** How often the due-timer worker looks for due items (platform time moves in real time between ticks). */
const TICK_MS = SECOND;
const HOUSEKEEPING_MS = HOUR;

export interface BackgroundWork {
  stop(): Promise<void>;
}

/**
 * What a running platform process does besides answering requests: the due-timer worker (first run at once,
 * so timers that fell due while the platform was down fire now), request-log writes, and the hourly purge of
 * expired idempotency keys, old request-log records and token-endpoint failures whose block is over. Every process sharing a database runs all of it.
 */
export async function startBackgroundWork(platform: Platform, onError: (error: unknown, what: string) => void): Promise<BackgroundWork> {
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
    platform.tokens.purgeFailures().catch((error: unknown) => onError(error, 'token failure purge'));
  }, HOUSEKEEPING_MS);
  housekeeping.unref();
  platform.requestLog.start((error) => onError(error, 'request log'));

  return {
    async stop() {
      clearInterval(worker);
      clearInterval(housekeeping);
      await ticking;
    },
  };
}
