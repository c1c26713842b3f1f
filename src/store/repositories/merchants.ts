import type { Brand, Merchant, NewStore, Store, StoreDetails } from '../../domain/merchant.js';
import { compiledOnce } from '../compiled-once.js';
import type { Db } from '../database.js';
import type { BrandTable, MerchantTable, StoreTable } from '../schema.js';

const STORE_COLUMNS = [
  'stores.store_id',
  'stores.merchant_brand_id',
  'stores.merchant_location_id',
  'stores.store_name',
  'stores.store_street',
  'stores.store_zip_code',
  'stores.store_city',
  'stores.activated',
  'brands.brand_name',
  'brands.merchant_id',
] as const;

const toMerchant = (row: MerchantTable): Merchant => ({
  merchantId: row.merchant_id,
  vatNumber: row.vat_number,
  name: row.name,
  createdAt: row.created_at,
});

const toBrand = (row: BrandTable): Brand => ({ merchantBrandId: row.merchant_brand_id, merchantId: row.merchant_id, brandName: row.brand_name });

const toStore = (row: StoreTable & { brand_name: string; merchant_id: string }): Store => ({
  storeId: row.store_id,
  merchantId: row.merchant_id,
  merchantBrandId: row.merchant_brand_id,
  brandName: row.brand_name,
  merchantLocationId: row.merchant_location_id,
  storeName: row.store_name,
  storeStreet: row.store_street,
  storeZipCode: row.store_zip_code,
  storeCity: row.store_city,
  activated: row.activated === 1,
});

const storeDetailColumns = (details: StoreDetails) => ({
  store_name: details.storeName,
  store_street: details.storeStreet,
  store_zip_code: details.storeZipCode,
  store_city: details.storeCity,
  activated: details.activated ? 1 : 0,
});

const storesWithBrand = (db: Db) =>
  db.selectFrom('stores').innerJoin('brands', 'brands.merchant_brand_id', 'stores.merchant_brand_id').select(STORE_COLUMNS);

const storeById = compiledOnce((db) => storesWithBrand(db).where('stores.store_id', '=', ''));

export const merchantsRepository = {
  async findByVat(db: Db, vatNumber: string): Promise<Merchant | undefined> {
    const row = await db.selectFrom('merchants').selectAll().where('vat_number', '=', vatNumber).executeTakeFirst();
    return row && toMerchant(row);
  },

  async list(db: Db): Promise<Merchant[]> {
    return (await db.selectFrom('merchants').selectAll().orderBy('vat_number').execute()).map(toMerchant);
  },

  async insert(db: Db, merchant: Merchant): Promise<void> {
    await db
      .insertInto('merchants')
      .values({ merchant_id: merchant.merchantId, vat_number: merchant.vatNumber, name: merchant.name, created_at: merchant.createdAt })
      .execute();
  },

  async rename(db: Db, merchantId: string, name: string): Promise<void> {
    await db.updateTable('merchants').set({ name }).where('merchant_id', '=', merchantId).execute();
  },

  async findBrand(db: Db, merchantBrandId: string): Promise<Brand | undefined> {
    const row = await db.selectFrom('brands').selectAll().where('merchant_brand_id', '=', merchantBrandId).executeTakeFirst();
    return row && toBrand(row);
  },

  async listBrands(db: Db, merchantId?: string): Promise<Brand[]> {
    let query = db.selectFrom('brands').selectAll();
    if (merchantId) query = query.where('merchant_id', '=', merchantId);
    const rows = await query.orderBy('merchant_brand_id').execute();
    return rows.map(toBrand);
  },

  async upsertBrand(db: Db, brand: Brand): Promise<void> {
    await db
      .insertInto('brands')
      .values({ merchant_brand_id: brand.merchantBrandId, merchant_id: brand.merchantId, brand_name: brand.brandName })
      .onConflict((oc) => oc.column('merchant_brand_id').doUpdateSet({ brand_name: brand.brandName }))
      .execute();
  },

  /** Compiled once: every payment initiation checks its store. */
  async findStore(db: Db, storeId: string): Promise<Store | undefined> {
    const row = (await storeById(db, [storeId]))[0];
    return row && toStore(row);
  },

  async findStoreByLocation(db: Db, merchantBrandId: string, merchantLocationId: string): Promise<Store | undefined> {
    const row = await storesWithBrand(db)
      .where('stores.merchant_brand_id', '=', merchantBrandId)
      .where('stores.merchant_location_id', '=', merchantLocationId)
      .executeTakeFirst();
    return row && toStore(row);
  },

  /** The merchant's stores, optionally only the one at a brand + location. */
  async listStores(db: Db, filter: { merchantId?: string; merchantBrandId?: string; merchantLocationId?: string }): Promise<Store[]> {
    let query = storesWithBrand(db);
    if (filter.merchantId) query = query.where('brands.merchant_id', '=', filter.merchantId);
    if (filter.merchantBrandId) query = query.where('stores.merchant_brand_id', '=', filter.merchantBrandId);
    if (filter.merchantLocationId) query = query.where('stores.merchant_location_id', '=', filter.merchantLocationId);
    const rows = await query.orderBy('stores.merchant_brand_id').orderBy('stores.merchant_location_id').execute();
    return rows.map(toStore);
  },

  async insertStore(db: Db, store: NewStore): Promise<void> {
    await db
      .insertInto('stores')
      .values({
        store_id: store.storeId,
        merchant_brand_id: store.merchantBrandId,
        merchant_location_id: store.merchantLocationId,
        ...storeDetailColumns(store),
      })
      .execute();
  },

  async updateStoreDetails(db: Db, storeId: string, details: StoreDetails): Promise<void> {
    await db.updateTable('stores').set(storeDetailColumns(details)).where('store_id', '=', storeId).execute();
  },

  async setStoreActivated(db: Db, storeId: string, activated: boolean): Promise<void> {
    await db.updateTable('stores').set({ activated: activated ? 1 : 0 }).where('store_id', '=', storeId).execute();
  },
};
