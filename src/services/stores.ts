import type { Static } from '@sinclair/typebox';
import { ownStore } from '../domain/access-guard.js';
import { DomainError } from '../domain/errors.js';
import { isMerchantBrandId } from '../domain/ids.js';
import { isValidText } from '../domain/valid-chars.js';
import type { Db } from '../store/database.js';
import type { Store } from '../domain/merchant.js';
import { merchantsRepository } from '../store/repositories/merchants.js';
import type { StoreResponse } from '../http/schemas/stores.js';
import type { Caller } from './caller.js';
import type { MerchantDirectory } from './access.js';

export interface StoreFilter {
  merchantBrandId?: string;
  merchantLocationId?: string;
}

/** A store as the v10 contract's `StoreResponse` names it. */
export type StoreView = Static<typeof StoreResponse>;

const toView = (s: Store): StoreView => ({
  storeId: s.storeId,
  storeName: s.storeName,
  storeStreet: s.storeStreet,
  storeZipCode: s.storeZipCode,
  storeCity: s.storeCity,
  brandName: s.brandName,
  merchantBrandId: s.merchantBrandId,
  merchantLocationId: s.merchantLocationId,
});

export const isMerchantLocationId = (value: string): boolean => value.length === 5 && isValidText(value, 5);

export class StoresService {
  constructor(
    private readonly db: Db,
    private readonly merchants: MerchantDirectory,
  ) {}

  /** The caller's merchant's stores; the brand + location filter is both or neither (1122). */
  async list(caller: Caller, filter: StoreFilter): Promise<StoreView[]> {
    const { merchantBrandId, merchantLocationId } = filter;
    if ((merchantBrandId === undefined) !== (merchantLocationId === undefined)) {
      throw new DomainError('STORE_FILTER_NOT_SPECIFIC');
    }
    if (merchantBrandId !== undefined && !isMerchantBrandId(merchantBrandId)) throw new DomainError('INVALID_MERCHANT_BRAND_ID');
    if (merchantLocationId !== undefined && !isMerchantLocationId(merchantLocationId)) {
      throw new DomainError('INVALID_MERCHANT_LOCATION_ID');
    }
    const merchantId = this.merchants.merchantIdOf(caller.merchantVat);
    if (!merchantId) return [];
    const stores = await merchantsRepository.listStores(this.db, { merchantId, merchantBrandId, merchantLocationId });
    return stores.map(toView);
  }

  async get(caller: Caller, storeId: string): Promise<StoreView> {
    const store = await merchantsRepository.findStore(this.db, storeId);
    return toView(ownStore('queryStore', store, this.merchants.merchantIdOf(caller.merchantVat)));
  }
}
