import type { Db } from '../store/database.js';
import { merchantsRepository } from '../store/repositories/merchants.js';

/**
 * Resolves the merchant of a call from its VAT number. Merchants are never deleted and their VAT number never
 * changes, so a found id is cached for the life of the process; an unknown VAT number is asked again each
 * time (an operator may onboard the merchant meanwhile, from another process).
 */
export class MerchantDirectory {
  readonly #idByVat = new Map<string, string>();

  constructor(private readonly db: Db) {}

  /** The merchant id if it was resolved before, without waiting. */
  knownMerchantIdOf(vatNumber: string): string | undefined {
    return this.#idByVat.get(vatNumber);
  }

  /** Inside a transaction pass it as `db`: on SQLite a query outside it would wait for it forever. */
  async merchantIdOf(vatNumber: string, db: Db = this.db): Promise<string | undefined> {
    const cached = this.#idByVat.get(vatNumber);
    if (cached) return cached;
    const merchant = await merchantsRepository.findByVat(db, vatNumber);
    if (merchant) this.#idByVat.set(vatNumber, merchant.merchant_id);
    return merchant?.merchant_id;
  }
}
