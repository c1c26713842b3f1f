import type { Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { FaultKind } from '../domain/fault-rule.js';
import type { CurrencyCode } from '../domain/money.js';
import type { PaymentSource, PlannedCaptureDelay } from '../domain/payment.js';
import type { PaymentStatus } from '../domain/payment-state.js';
import type { RefundStatus } from '../domain/refund-state.js';

/**
 * The database, as Kysely sees it: the storage types. Payments, refunds, check-ins and customers are mapped to
 * the domain's records (src/domain) by their repositories, one function each way. Portable across SQLite and PostgreSQL:
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
  integrator_merchants: IntegratorMerchantTable;
  token_failures: TokenFailureTable;
  callback_aliases: CallbackAliasTable;
  signing_keys: SigningKeyTable;
  points_of_sale: PointOfSaleTable;
  idempotency_keys: IdempotencyKeyTable;
  customers: CustomerTable;
  payments: PaymentTable;
  checkins: CheckinTable;
  refunds: RefundTable;
  store_balances: StoreBalanceTable;
  payouts: PayoutTable;
  platform_state: PlatformStateTable;
  request_log: RequestLogTable;
  notifications: NotificationTable;
  notification_attempts: NotificationAttemptTable;
  fault_rules: FaultRuleTable;
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
  /** Set while an operator has disabled the client: its tokens are refused and it gets no new one. */
  disabled_at: number | null;
}

/** The merchants an integrator may act for (SPEC §7). */
export interface IntegratorMerchantTable {
  integrator_id: string;
  merchant_id: string;
}

/** Failed token requests of one client id in the current window, and the end of its block (wall time). */
export interface TokenFailureTable {
  client_id: string;
  window_started_at: number;
  failures: number;
  blocked_until: number | null;
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
  response_body: string;
  created_at: number;
}

/** A MobilePay user: the built-in sandbox test users and seeded ones. */
export interface CustomerTable {
  phone_number: string;
  payment_source: PaymentSource;
  /** JSON array of strings */
  loyalty_ids: string;
  partial_capture_possible: number;
  /** Stable per customer, shown to the merchant once paired (v10 `customerToken`, `customerReceiptToken`). */
  customer_token: string;
  customer_receipt_token: string;
}

export interface PaymentTable {
  payment_id: string;
  pos_id: string;
  merchant_id: string;
  integrator_id: string;
  store_id: string;
  order_id: string;
  status: PaymentStatus;
  /** Minor units; null until a prepared payment is made ready. */
  amount: number | null;
  currency_code: CurrencyCode | null;
  /** JSON of the v10 `restrictions` object, or null for none */
  restrictions: string | null;
  merchant_payment_label: string | null;
  planned_capture_delay: PlannedCaptureDelay | null;
  /** The paired customer, once one is */
  customer_phone: string | null;
  customer_token: string | null;
  customer_receipt_token: string | null;
  /** JSON array; null until a customer is paired */
  loyalty_ids: string | null;
  /** Known once reserved: depends on the customer's payment source */
  partial_capture_possible: number | null;
  captured_amount: number | null;
  /** Sum of the payment's refunds that are not cancelled; never above captured_amount */
  refunded_amount: Generated<number>;
  /** When the current status times out (the next due timer of this payment); null in final statuses */
  expires_at: number | null;
  created_at: number;
  /**
   * The order payments were created in, for "the most recent match wins": platform time in microseconds, made
   * strictly increasing within a process, so two payments created in one millisecond still have an order.
   */
  created_order: number;
  updated_at: number;
  captured_at: number | null;
}

/** A customer checked in on a PoS, waiting for a payment to be created there. */
export interface CheckinTable {
  pos_id: string;
  customer_phone: string;
  checked_in_at: number;
  expires_at: number;
}

export interface RefundTable {
  refund_id: string;
  payment_id: string;
  merchant_id: string;
  integrator_id: string;
  store_id: string;
  refund_order_id: string;
  amount: number;
  currency_code: CurrencyCode;
  status: RefundStatus;
  expires_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface StoreBalanceTable {
  store_id: string;
  balance: number;
  last_payout_at: number | null;
  last_payout_amount: number | null;
}

/** A store's daily payout: what it held (captured minus refunded) since the one before. */
export interface PayoutTable {
  store_id: string;
  amount: number;
  paid_at: number;
}

/**
 * One /pos/v10 call of a client, a row each, for the integrator's dashboard, the certification report and the
 * CLI. Written in batches (services/request-log.ts), read by client and time, key or resource, purged after a while.
 */
export interface RequestLogTable {
  /** Wall time, epoch milliseconds */
  at: number;
  /** Orders the calls of one millisecond (a CreationOrder of `at`, in the recording process) */
  call_order: number;
  client_id: string;
  integrator_id: string;
  /** The merchant the call was made for (the token's merchant_vat claim or the VAT header) */
  merchant_vat: string;
  /** x-mobilepay-client-system-name and -version: certification approves a system name and its Major.Minor */
  system_name: string | null;
  system_version: string;
  method: string;
  /** The route pattern, e.g. /pos/v10/payments/:paymentid */
  route: string;
  /** The concrete path without the query string */
  path: string;
  /** The payment, refund or PoS the call is about: the path's id, or the one a creating POST made */
  resource_id: string | null;
  status: number;
  /** The v10 error code of the answer (its body's `code`); null on success */
  v10_code: string | null;
  /** The key sent with a creating POST, to see retries and reuse */
  idempotency_key: string | null;
  correlation_id: string;
  /** The legacy x-ibm-client-id a v10 client sent (its portal application), never checked but kept (SPEC §2.1) */
  ibm_client_id: string | null;
  latency_ms: number;
  /** 1 when this poll came sooner than the pollDelayInMs the client was given */
  polled_too_soon: number;
  /** 1 when the call sent an amount as a string, accepted as MobilePay did but outside the contract (SPEC §2.7) */
  amount_as_string: number;
}
export type RequestLogEntry = Selectable<RequestLogTable>;

/** A check-in notification to an integrator's callback URL (SPEC §6): an outbox row, delivered by the worker. */
export interface NotificationTable {
  notification_id: string;
  url: string;
  /** The JSON body to POST */
  payload: string;
  /** The URL's origin (scheme, host, port): deliveries are bounded per receiver */
  origin: string;
  /** Delivery attempts made (an attempt under way counts once it has an outcome) */
  attempts: number;
  /** Platform time of the next attempt; null once delivered or given up */
  next_attempt_at: number | null;
  /** The claim of the process making an attempt now (a random id); null when no attempt is under way */
  lease_token: string | null;
  /**
   * Wall time the claim ends: a process killed mid-attempt never completes it, and once this passes another
   * process makes the attempt. Wall time, because the sandbox clock jumping must not end a live claim.
   */
  leased_until: number | null;
  delivered_at: number | null;
  /** Why the latest attempt failed, for the operator */
  last_error: string | null;
  created_at: number;
}

/** One completed delivery attempt of a notification, for the integrator and the operator to see. */
export interface NotificationAttemptTable {
  notification_id: string;
  /** 1 for the first attempt, up to 4 */
  attempt: number;
  /** Platform time the attempt started */
  attempted_at: number;
  /** The receiver's HTTP status; null when there was no answer */
  status: number | null;
  /** Why there was no answer (refused, timed out, connection error); null when there was one */
  error: string | null;
  latency_ms: number;
}

export interface PlatformStateTable {
  name: 'sandbox_clock_offset' | 'next_payout_at' | 'access_version' | 'fault_rules_version';
  value: number;
}

/** Injected faults (domain/fault-rule.ts). */
export interface FaultRuleTable {
  rule_id: string;
  client_id: string;
  route: string;
  attempt: number;
  kind: FaultKind;
  delay_ms: number;
  calls_seen: Generated<number>;
  created_at: number;
  origin: string;
}


export type PointOfSaleRow = Selectable<PointOfSaleTable>;
