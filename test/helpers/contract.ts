import assert from 'node:assert/strict';
import { Ajv, type AnySchema } from 'ajv';
import formats from 'ajv-formats';

// ajv-formats is CommonJS with a default export that ESM sees under `.default`.
const addFormats = formats as unknown as typeof formats.default;

/**
 * Response schemas transcribed from the official v10 contract (pos-v10.openapi.yaml, version 10.2.6),
 * independently of the server's own TypeBox schemas, so a drift in either shows. Every object is strict:
 * no property the contract does not list.
 */
const uuid = { type: 'string', format: 'uuid' };
// A nullable enum lists null among its values: Ajv's `nullable` widens `type` only, and `enum` would still refuse
// null (OpenAPI 3.0.3's reading), while the contract's nullable enums are .NET nullables that do send null.
const nullableString = { type: 'string', nullable: true };

export const CONTRACT = {
  ErrorResponse: {
    type: 'object',
    properties: { code: nullableString, message: nullableString, correlationId: nullableString },
    required: ['code', 'message', 'correlationId'], // the contract makes none required; we always send all three
    additionalProperties: false,
  },
  ErrorResponseV2: {
    type: 'object',
    properties: { code: nullableString, message: nullableString, correlationId: nullableString, origin: nullableString },
    required: ['code', 'message', 'correlationId', 'origin'],
    additionalProperties: false,
  },
  StoreResponse: {
    type: 'object',
    required: ['brandName', 'merchantBrandId', 'merchantLocationId', 'storeCity', 'storeId', 'storeName', 'storeStreet', 'storeZipCode'],
    properties: {
      storeName: { type: 'string' },
      storeId: uuid,
      storeStreet: { type: 'string' },
      storeZipCode: { type: 'string' },
      storeCity: { type: 'string' },
      brandName: { type: 'string' },
      merchantBrandId: { type: 'string' },
      merchantLocationId: { type: 'string' },
    },
    additionalProperties: false,
  },
  StoreIdsResponse: {
    type: 'object',
    required: ['storeIds'],
    properties: { storeIds: { type: 'array', items: uuid } },
    additionalProperties: false,
  },
  PosResponse: {
    type: 'object',
    required: ['beaconId', 'merchantPosId', 'name', 'posId', 'requirePaymentBeforeCheckin', 'storeId', 'supportedBeaconTypes'],
    properties: {
      posId: uuid,
      merchantPosId: { type: 'string' },
      storeId: uuid,
      name: { type: 'string' },
      beaconId: { type: 'string' },
      callbackAlias: nullableString,
      supportedBeaconTypes: { type: 'array', uniqueItems: true, items: { enum: ['QR', 'NFC', 'Bluetooth'], type: 'string' } },
      requirePaymentBeforeCheckin: { type: 'boolean' },
    },
    additionalProperties: false,
  },
  PosIdsResponse: {
    type: 'object',
    required: ['posIds'],
    properties: { posIds: { type: 'array', items: uuid } },
    additionalProperties: false,
  },
  CreatePosResponse: {
    type: 'object',
    required: ['posId'],
    properties: { posId: uuid },
    additionalProperties: false,
  },
  GetCheckInResponse: {
    type: 'object',
    required: ['isUserCheckedIn', 'pollDelayInMs'],
    properties: {
      isUserCheckedIn: { type: 'boolean' },
      loyaltyIds: { type: 'array', items: { type: 'string' }, nullable: true },
      pollDelayInMs: { type: 'integer' },
      customerToken: nullableString,
      customerReceiptToken: nullableString,
    },
    additionalProperties: false,
  },
  QueryPaymentResponse: {
    type: 'object',
    required: ['orderId', 'paymentId', 'pollDelayInMs', 'posId', 'status'],
    properties: {
      paymentId: uuid,
      posId: uuid,
      orderId: { type: 'string' },
      amount: { type: 'number', nullable: true },
      currencyCode: { type: 'string', enum: ['DKK', 'EUR', null], nullable: true },
      restrictions: {
        type: 'object',
        nullable: true,
        properties: { debitCardDisallowed: { type: 'boolean', nullable: true }, creditCardDisallowed: { type: 'boolean', nullable: true } },
        additionalProperties: false,
      },
      merchantPaymentLabel: nullableString,
      plannedCaptureDelay: { type: 'string', enum: ['None', 'LessThan24Hours', 'LessThan14Days', null], nullable: true },
      status: {
        type: 'string',
        enum: ['Prepared', 'Initiated', 'Paired', 'IssuedToUser', 'Reserved', 'CancelledByUser', 'CancelledByClient', 'CancelledByMobilePay', 'ExpiredAndCancelled', 'Captured'],
      },
      customerToken: nullableString,
      customerReceiptToken: nullableString,
      loyaltyIds: { type: 'array', items: { type: 'string' }, nullable: true },
      paymentExpiresAt: { type: 'string', format: 'date-time' },
      partialCapturePossible: { type: 'boolean', nullable: true },
      pollDelayInMs: { type: 'integer' },
    },
    additionalProperties: false,
  },
  QueryPaymentIdsResponse: {
    type: 'object',
    required: ['paymentIds'],
    properties: { paymentIds: { type: 'array', items: uuid } },
    additionalProperties: false,
  },
  PaymentInitiatedResponse: {
    type: 'object',
    required: ['paymentId'],
    properties: { paymentId: uuid },
    additionalProperties: false,
  },
  GetRefundResponse: {
    type: 'object',
    required: ['amount', 'currencyCode', 'paymentId', 'pollDelayInMs', 'refundId', 'refundOrderId', 'status'],
    properties: {
      refundId: uuid,
      paymentId: uuid,
      refundOrderId: { type: 'string' },
      amount: { type: 'number' },
      currencyCode: { type: 'string', enum: ['DKK', 'EUR'] },
      status: { type: 'string', enum: ['Initiated', 'Reserved', 'Captured', 'CancelledByClient', 'CancelledByMobilePay', 'ExpiredAndCaptured'] },
      pollDelayInMs: { type: 'integer' },
    },
    additionalProperties: false,
  },
  QueryRefundIdsResponse: {
    type: 'object',
    required: ['refundIds'],
    properties: { refundIds: { type: 'array', items: uuid } },
    additionalProperties: false,
  },
  CreateRefundResponse: {
    type: 'object',
    required: ['refundId'],
    properties: { refundId: uuid },
    additionalProperties: false,
  },
  /** SPEC §7: {"access_token", "expires_in", "token_type": "Bearer", "scope": "integrator_scope"} */
  TokenResponse: {
    type: 'object',
    required: ['access_token', 'expires_in', 'token_type', 'scope'],
    properties: {
      access_token: { type: 'string' },
      expires_in: { type: 'integer' },
      token_type: { const: 'Bearer' },
      scope: { const: 'integrator_scope' },
    },
    additionalProperties: false,
  },
} satisfies Record<string, AnySchema>;

const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
const validators = Object.fromEntries(Object.entries(CONTRACT).map(([name, schema]) => [name, ajv.compile(schema)]));

/** Fails the test unless `body` is exactly an instance of the named contract schema (or an array of them). */
export function assertContract(name: keyof typeof CONTRACT, body: unknown, options: { array?: boolean } = {}): void {
  const validate = validators[name]!;
  const items = options.array ? (assert.ok(Array.isArray(body), `${name}[]: expected an array`), body as unknown[]) : [body];
  for (const item of items) {
    assert.ok(validate(item), `${name}: ${ajv.errorsText(validate.errors)} in ${JSON.stringify(item)}`);
  }
}
