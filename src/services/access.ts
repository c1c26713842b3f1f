import type { Db } from '../store/database.js';
import { integratorsRepository } from '../store/repositories/integrators.js';
import { merchantsRepository } from '../store/repositories/merchants.js';
import { platformStateRepository } from '../store/repositories/platform-state.js';

/** How often a process asks whether another one (or the operator CLI) changed links or disabled clients. */
export const ACCESS_CHECK_INTERVAL_MS = 250;

/** Resolves the merchant of a call from its VAT number, without waiting. */
export interface MerchantDirectory {
  /** Undefined for a VAT number the platform does not know. */
  merchantIdOf(vatNumber: string): string | undefined;
}

/**
 * Which merchants each integrator may act for, which clients are disabled (SPEC §7), and each merchant's id,
 * kept in memory so every call is decided synchronously: a Map and a Set lookup, nothing that waits.
 *
 * Resolving a merchant here rather than in the database makes it safe inside a transaction: on SQLite (one
 * connection) a query on the pool made from inside a transaction waits for that transaction forever. A merchant
 * the snapshot has not loaded yet is linked to nobody in it either, so its calls are refused (3010) before any
 * service asks for its id; merchants are never deleted and their VAT number never changes. Another process (a
 * platform sharing the PostgreSQL, the CLI writing the SQLite file) changes them in the database, bumping the
 * `access_version` counter in the same transaction; each process reads that counter every
 * ACCESS_CHECK_INTERVAL_MS (one tiny query) and reloads only when it moved. A change made through this
 * process is reloaded at once (`reload`).
 */
export class AccessSnapshot implements MerchantDirectory {
  #version = -1;
  /** integratorId → the VAT numbers of its merchants. */
  #links = new Map<string, Set<string>>();
  #disabledClients = new Set<string>();
  /** VAT number → merchant id, of every merchant. */
  #merchantIds = new Map<string, string>();
  /** Loads run one after another, so a reload asked for after a change never ends before an older load. */
  #queue: Promise<void> = Promise.resolve();
  #timer: NodeJS.Timeout | undefined;

  constructor(private readonly db: Db) {}

  mayActFor(integratorId: string, merchantVat: string): boolean {
    return this.#links.get(integratorId)?.has(merchantVat) === true;
  }

  merchantIdOf(vatNumber: string): string | undefined {
    return this.#merchantIds.get(vatNumber);
  }

  isDisabled(clientId: string): boolean {
    return this.#disabledClients.has(clientId);
  }

  /** Loads everything now (after a change made through this process, or at start). */
  reload(): Promise<void> {
    return this.#enqueue(() => this.#load());
  }

  /** Reloads when the version counter moved since the last load. */
  refresh(): Promise<void> {
    return this.#enqueue(async () => {
      if ((await platformStateRepository.get(this.db, 'access_version')) !== this.#version) await this.#load();
    });
  }

  /** Checks the counter every ACCESS_CHECK_INTERVAL_MS until `stop`; a failed check is reported and retried. */
  start(onError: (error: unknown) => void): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => this.refresh().catch(onError), ACCESS_CHECK_INTERVAL_MS);
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
    const version = (await platformStateRepository.get(this.db, 'access_version')) ?? 0;
    const [links, disabled, merchants] = await Promise.all([
      integratorsRepository.listLinks(this.db),
      integratorsRepository.listDisabledClientIds(this.db),
      merchantsRepository.list(this.db),
    ]);
    const byIntegrator = new Map<string, Set<string>>();
    for (const { integratorId, vatNumber } of links) {
      let vats = byIntegrator.get(integratorId);
      if (!vats) byIntegrator.set(integratorId, (vats = new Set()));
      vats.add(vatNumber);
    }
    this.#links = byIntegrator;
    this.#disabledClients = new Set(disabled);
    this.#merchantIds = new Map(merchants.map((m) => [m.vatNumber, m.merchantId]));
    this.#version = version;
  }
}
