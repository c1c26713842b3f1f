import type { Insertable, Selectable, Updateable } from 'kysely';

/**
 * The database, as Kysely sees it. Portable across SQLite and PostgreSQL:
 * - times are epoch milliseconds (bigint), so due-time comparisons are plain integer comparisons;
 * - money is integer minor units (bigint);
 * - booleans are 0/1 integers (SQLite has no boolean type);
 * - lists are JSON text.
 */
export interface Database {
  merchants: MerchantTable;
  brands: BrandTable;
  stores: StoreTable;
  integrators: IntegratorTable;
  clients: ClientTable;
  callback_aliases: CallbackAliasTable;
  signing_keys: SigningKeyTable;
  points_of_sale: PointOfSaleTable;
  idempotency_keys: IdempotencyKeyTable;
  customers: CustomerTable;
}

export interface MerchantTable {
  merchant_id: string;
  vat_number: string;
  name: string;
  created_at: number;
}

export interface BrandTable {
  merchant_brand_id: string;
  merchant_id: string;
  brand_name: string;
}

export interface StoreTable {
  store_id: string;
  merchant_brand_id: string;
  merchant_location_id: string;
  store_name: string;
  store_street: string;
  store_zip_code: string;
  store_city: string;
  activated: number;
}

export interface IntegratorTable {
  integrator_id: string;
  name: string;
  created_at: number;
}

export interface ClientTable {
  client_id: string;
  integrator_id: string;
  /** scrypt hash, see services/secrets.ts */
  secret_hash: string;
  created_at: number;
}

export interface CallbackAliasTable {
  integrator_id: string;
  alias: string;
  url: string;
}

export interface SigningKeyTable {
  kid: string;
  /** JWK JSON; the private half never leaves the database and the token service. */
  private_jwk: string;
  public_jwk: string;
  created_at: number;
  /** Set when a newer key takes over; the key keeps verifying tokens until they have all expired. */
  retired_at: number | null;
}

export interface PointOfSaleTable {
  pos_id: string;
  merchant_id: string;
  integrator_id: string;
  store_id: string;
  merchant_pos_id: string;
  name: string;
  beacon_id: string;
  /** JSON array of 'QR' | 'NFC' | 'Bluetooth' */
  supported_beacon_types: string;
  callback_alias: string | null;
  require_payment_before_checkin: number;
  created_at: number;
  /** A deleted PoS stays for its payments' sake; uniqueness rules apply to active (not deleted) ones only. */
  deleted_at: number | null;
}

export interface IdempotencyKeyTable {
  integrator_id: string;
  endpoint: string;
  idempotency_key: string;
  request_hash: string;
  response_status: number;
  response_body: string;
  created_at: number;
}

/** A MobilePay user: the built-in sandbox test users and seeded ones. */
export interface CustomerTable {
  phone_number: string;
  payment_source: 'Credit' | 'Debit';
  /** JSON array of strings */
  loyalty_ids: string;
  partial_capture_possible: number;
  /** Stable per customer, shown to the merchant once paired (v10 `customerToken`, `customerReceiptToken`). */
  customer_token: string;
  customer_receipt_token: string;
}

export type Merchant = Selectable<MerchantTable>;
export type Brand = Selectable<BrandTable>;
export type Store = Selectable<StoreTable>;
export type Integrator = Selectable<IntegratorTable>;
export type Client = Selectable<ClientTable>;
export type CallbackAlias = Selectable<CallbackAliasTable>;
export type SigningKey = Selectable<SigningKeyTable>;
export type PointOfSale = Selectable<PointOfSaleTable>;
export type NewPointOfSale = Insertable<PointOfSaleTable>;
export type PointOfSaleUpdate = Updateable<PointOfSaleTable>;
export type IdempotencyRecord = Selectable<IdempotencyKeyTable>;
export type Customer = Selectable<CustomerTable>;
