import type { Db } from '../store/database.js';
import { integratorsRepository } from '../store/repositories/integrators.js';
import { merchantsRepository } from '../store/repositories/merchants.js';
import { PolledSnapshot } from './polled-snapshot.js';

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
 * `access_version` counter in the same transaction (PolledSnapshot).
 */
export class AccessSnapshot extends PolledSnapshot implements MerchantDirectory {
  /** integratorId → the VAT numbers of its merchants. */
  #links = new Map<string, Set<string>>();
  #disabledClients = new Set<string>();
  /** VAT number → merchant id, of every merchant. */
  #merchantIds = new Map<string, string>();

  constructor(db: Db) {
    super(db, 'access_version');
  }

  mayActFor(integratorId: string, merchantVat: string): boolean {
    return this.#links.get(integratorId)?.has(merchantVat) === true;
  }

  merchantIdOf(vatNumber: string): string | undefined {
    return this.#merchantIds.get(vatNumber);
  }

  isDisabled(clientId: string): boolean {
    return this.#disabledClients.has(clientId);
  }

  protected async loadRows(): Promise<void> {
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
  }
}
