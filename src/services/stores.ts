import { ownStore } from '../domain/access-guard.js';
import { DomainError } from '../domain/errors.js';
import { isMerchantBrandId } from '../domain/ids.js';
import { isValidText } from '../domain/valid-chars.js';
import type { Db } from '../store/database.js';
import { merchantsRepository, type StoreWithBrand } from '../store/repositories/merchants.js';
import type { Caller } from './caller.js';
import type { MerchantDirectory } from './access.js';

export interface StoreFilter {
  merchantBrandId?: string;
  merchantLocationId?: string;
}

/** A store as the v10 contract's `StoreResponse` names it. */
export interface StoreView {
  storeId: string;
  storeName: string;
  storeStreet: string;
  storeZipCode: string;
  storeCity: string;
  brandName: string;
  merchantBrandId: string;
  merchantLocationId: string;
}

const toView = (s: StoreWithBrand): StoreView => ({
  storeId: s.store_id,
  storeName: s.store_name,
  storeStreet: s.store_street,
  storeZipCode: s.store_zip_code,
  storeCity: s.store_city,
  brandName: s.brand_name,
  merchantBrandId: s.merchant_brand_id,
  merchantLocationId: s.merchant_location_id,
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
    const merchantId = this.merchants.merchantIdOf(caller.merchantVat);
    ownStore('queryStore', store && { merchantId: store.merchant_id }, merchantId);
    return toView(store!);
  }
}
