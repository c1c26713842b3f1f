import { compiledOnce } from '../compiled-once.js';
import type { Db } from '../database.js';
import type { Brand, Merchant, Store } from '../schema.js';

const STORE_COLUMNS = [
  'stores.store_id',
  'stores.merchant_brand_id',
  'stores.merchant_location_id',
  'stores.store_name',
  'stores.store_street',
  'stores.store_zip_code',
  'stores.store_city',
  'stores.activated',
] as const;

/** A store with the brand and merchant it belongs to, as the stores API and PoS rules need it. */
export type StoreWithBrand = Store & { brand_name: string; merchant_id: string };

const storeById = compiledOnce((db) =>
  db
    .selectFrom('stores')
    .innerJoin('brands', 'brands.merchant_brand_id', 'stores.merchant_brand_id')
    .select([...STORE_COLUMNS, 'brands.brand_name', 'brands.merchant_id'])
    .where('stores.store_id', '=', ''),
);

export const merchantsRepository = {
  findByVat(db: Db, vatNumber: string): Promise<Merchant | undefined> {
    return db.selectFrom('merchants').selectAll().where('vat_number', '=', vatNumber).executeTakeFirst();
  },

  findById(db: Db, merchantId: string): Promise<Merchant | undefined> {
    return db.selectFrom('merchants').selectAll().where('merchant_id', '=', merchantId).executeTakeFirst();
  },

  list(db: Db): Promise<Merchant[]> {
    return db.selectFrom('merchants').selectAll().orderBy('vat_number').execute();
  },

  async insert(db: Db, merchant: Merchant): Promise<void> {
    await db.insertInto('merchants').values(merchant).execute();
  },

  async updateName(db: Db, merchantId: string, name: string): Promise<void> {
    await db.updateTable('merchants').set({ name }).where('merchant_id', '=', merchantId).execute();
  },

  findBrand(db: Db, merchantBrandId: string): Promise<Brand | undefined> {
    return db.selectFrom('brands').selectAll().where('merchant_brand_id', '=', merchantBrandId).executeTakeFirst();
  },

  listBrands(db: Db, merchantId?: string): Promise<Brand[]> {
    let query = db.selectFrom('brands').selectAll();
    if (merchantId) query = query.where('merchant_id', '=', merchantId);
    return query.orderBy('merchant_brand_id').execute();
  },

  async upsertBrand(db: Db, brand: Brand): Promise<void> {
    await db
      .insertInto('brands')
      .values(brand)
      .onConflict((oc) => oc.column('merchant_brand_id').doUpdateSet({ brand_name: brand.brand_name }))
      .execute();
  },

  /** Compiled once: every payment initiation checks its store. */
  async findStore(db: Db, storeId: string): Promise<StoreWithBrand | undefined> {
    return (await storeById(db, [storeId]))[0];
  },

  findStoreByLocation(db: Db, merchantBrandId: string, merchantLocationId: string): Promise<StoreWithBrand | undefined> {
    return db
      .selectFrom('stores')
      .innerJoin('brands', 'brands.merchant_brand_id', 'stores.merchant_brand_id')
      .select([...STORE_COLUMNS, 'brands.brand_name', 'brands.merchant_id'])
      .where('stores.merchant_brand_id', '=', merchantBrandId)
      .where('stores.merchant_location_id', '=', merchantLocationId)
      .executeTakeFirst();
  },

  /** The merchant's stores, optionally only the one at a brand + location. */
  listStores(
    db: Db,
    filter: { merchantId?: string; merchantBrandId?: string; merchantLocationId?: string },
  ): Promise<StoreWithBrand[]> {
    let query = db
      .selectFrom('stores')
      .innerJoin('brands', 'brands.merchant_brand_id', 'stores.merchant_brand_id')
      .select([...STORE_COLUMNS, 'brands.brand_name', 'brands.merchant_id']);
    if (filter.merchantId) query = query.where('brands.merchant_id', '=', filter.merchantId);
    if (filter.merchantBrandId) query = query.where('stores.merchant_brand_id', '=', filter.merchantBrandId);
    if (filter.merchantLocationId) query = query.where('stores.merchant_location_id', '=', filter.merchantLocationId);
    return query.orderBy('stores.merchant_brand_id').orderBy('stores.merchant_location_id').execute();
  },

  async insertStore(db: Db, store: Store): Promise<void> {
    await db.insertInto('stores').values(store).execute();
  },

  async updateStore(db: Db, storeId: string, changes: Omit<Store, 'store_id' | 'merchant_brand_id' | 'merchant_location_id'>): Promise<void> {
    await db.updateTable('stores').set(changes).where('store_id', '=', storeId).execute();
  },
};
