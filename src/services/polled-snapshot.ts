import type { Db } from '../store/database.js';
import { platformStateRepository } from '../store/repositories/platform-state.js';
import type { PlatformStateTable } from '../store/schema.js';

/** How often a process asks whether another one (or the operator CLI) changed what a snapshot holds. */
export const SNAPSHOT_CHECK_INTERVAL_MS = 250;

/**
 * Database rows kept in memory so the hot path decides without waiting, and kept up with other processes: every
 * change bumps a `platform_state` counter in its own transaction; each process reads that counter every
 * SNAPSHOT_CHECK_INTERVAL_MS (one tiny query) and reloads only when it moved. A change made through this process
 * is reloaded at once (`reload`).
 */
export abstract class PolledSnapshot {
  #version = -1;
  /** Loads run one after another, so a reload asked for after a change never ends before an older load. */
  #queue: Promise<void> = Promise.resolve();
  #timer: NodeJS.Timeout | undefined;

  constructor(
    protected readonly db: Db,
    private readonly versionName: PlatformStateTable['name'],
  ) {}

  /** Reads the rows and replaces what is held; the version read before it is then recorded. */
  protected abstract loadRows(): Promise<void>;

  /** Loads everything now (after a change made through this process, or at start). */
  reload(): Promise<void> {
    return this.#enqueue(() => this.#load());
  }

  /** Reloads when the version counter moved since the last load. */
  refresh(): Promise<void> {
    return this.#enqueue(async () => {
      if ((await platformStateRepository.get(this.db, this.versionName)) !== this.#version) await this.#load();
    });
  }

  /** Checks the counter every SNAPSHOT_CHECK_INTERVAL_MS until `stop`; a failed check is reported and retried. */
  start(onError: (error: unknown) => void): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => this.refresh().catch(onError), SNAPSHOT_CHECK_INTERVAL_MS);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#queue;
  }

  #enqueue(load: () => Promise<void>): Promise<void> {
    const next = this.#queue.then(load);
    this.#queue = next.catch(() => undefined);
    return next;
  }

  /** The counter is read first: what is read after it is at least as new, so no change is missed. */
  async #load(): Promise<void> {
    const version = (await platformStateRepository.get(this.db, this.versionName)) ?? 0;
    await this.loadRows();
    this.#version = version;
  }
}
