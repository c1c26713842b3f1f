/**
 * The v10 error-code table: every refusal the platform can give, with its HTTP status and the message
 * written in the error body. Services throw `DomainError(name)`; the one HTTP error handler turns it into
 * `{ code, message, correlationId }` (plus `origin` on the refunds endpoints).
 */
export const ERRORS = {
  // 400: malformed input
  BAD_REQUEST: { status: 400, code: '1099', message: 'The request is invalid.' },
  // What the HTTP layer refuses before a route runs (malformed JSON, an unsupported body, a slow client …): the
  // v10 fallback code 1099 with the HTTP status that names the problem, in our words rather than the framework's.
  BODY_MISSING: { status: 400, code: '1099', message: 'The request body is missing: this call takes a JSON body.' },
  MALFORMED_JSON: { status: 400, code: '1099', message: 'The request body is not valid JSON.' },
  BODY_LENGTH_MISMATCH: { status: 400, code: '1099', message: 'The request body does not have the length its Content-Length header gives.' },
  MALFORMED_REQUEST: { status: 400, code: '1099', message: 'The request is not well-formed HTTP.' },
  INVALID_URL: { status: 400, code: '1099', message: 'The request URL is invalid.' },
  REQUEST_TIMEOUT: { status: 408, code: '1099', message: 'The request was not received in time: send its headers and body without pausing.' },
  BODY_TOO_LARGE: { status: 413, code: '1099', message: 'The request body is too large.' },
  UNSUPPORTED_CONTENT_TYPE: { status: 415, code: '1099', message: 'Unsupported Content-Type: a v10 body is JSON (application/json, text/json, application/*+json or application/json-patch+json).' },
  UNSUPPORTED_CHARSET: { status: 415, code: '1099', message: 'The request body must be UTF-8 (charset=utf-8).' },
  HEADERS_TOO_LARGE: { status: 431, code: '1099', message: 'The request headers are too large.' },
  INVALID_BEACON_ID: { status: 400, code: '1100', message: 'Invalid beaconId: it must be a GUID or exactly 15 digits.' },
  INVALID_AMOUNT: { status: 400, code: '1102', message: 'Invalid amount: it must be above 0, at most 1000000.00, with at most 2 decimals.' },
  PAYMENT_FILTER_NOT_SPECIFIC: { status: 400, code: '1109', message: 'Specify posId or orderId to query payments.' },
  REFUND_FILTER_NOT_SPECIFIC: { status: 400, code: '1110', message: 'Specify paymentId to query refunds.' },
  INVALID_MERCHANT_POS_ID: { status: 400, code: '1111', message: 'Invalid merchantPosId: 1-36 valid characters.' },
  INVALID_POS_NAME: { status: 400, code: '1112', message: 'Invalid name: 1-36 valid characters.' },
  INVALID_ORDER_ID: { status: 400, code: '1113', message: 'Invalid orderId: 1-36 valid characters.' },
  INVALID_REFUND_ORDER_ID: { status: 400, code: '1114', message: 'Invalid refundOrderId: 1-36 valid characters.' },
  INVALID_CALLBACK_ALIAS: { status: 400, code: '1116', message: 'Invalid callbackAlias: 1-36 valid characters.' },
  INVALID_MERCHANT_PAYMENT_LABEL: { status: 400, code: '1117', message: 'Invalid merchantPaymentLabel: 1-36 valid characters.' },
  INVALID_MERCHANT_BRAND_ID: { status: 400, code: '1119', message: 'Invalid merchantBrandId.' },
  INVALID_MERCHANT_LOCATION_ID: { status: 400, code: '1120', message: 'Invalid merchantLocationId: exactly 5 valid characters.' },
  POS_FILTER_NOT_SPECIFIC: { status: 400, code: '1121', message: 'Specify storeId, beaconId or merchantPosId to query points of sale.' },
  STORE_FILTER_NOT_SPECIFIC: { status: 400, code: '1122', message: 'Specify both merchantBrandId and merchantLocationId, or neither.' },
  VAT_HEADER_MISSING: { status: 400, code: '1151', message: 'The X-MobilePay-Merchant-VAT-Number header is missing.' },
  SYSTEM_VERSION_HEADER_MISSING: { status: 400, code: '1153', message: 'The X-MobilePay-Client-System-Version header is missing.' },
  VAT_HEADER_DUPLICATED: { status: 400, code: '1155', message: 'The X-MobilePay-Merchant-VAT-Number header is sent more than once.' },
  SYSTEM_NAME_HEADER_DUPLICATED: { status: 400, code: '1156', message: 'The X-MobilePay-Client-System-Name header is sent more than once.' },
  SYSTEM_VERSION_HEADER_DUPLICATED: { status: 400, code: '1157', message: 'The X-MobilePay-Client-System-Version header is sent more than once.' },
  VAT_HEADER_INVALID: { status: 400, code: '1159', message: 'Invalid merchant VAT number: DK or FI followed by 8 digits, matching the token.' },
  SYSTEM_NAME_HEADER_INVALID: { status: 400, code: '1160', message: 'Invalid X-MobilePay-Client-System-Name: at most 36 valid characters.' },
  SYSTEM_VERSION_HEADER_INVALID: { status: 400, code: '1161', message: 'Invalid X-MobilePay-Client-System-Version: Major.Minor.Build, digits only.' },
  IDEMPOTENCY_KEY_INVALID: { status: 400, code: '1162', message: 'Invalid X-MobilePay-Idempotency-Key: 1-36 valid characters.' },
  IDEMPOTENCY_KEY_DUPLICATED: { status: 400, code: '1163', message: 'The X-MobilePay-Idempotency-Key header is sent more than once.' },
  IDEMPOTENCY_KEY_MISSING: { status: 400, code: '1164', message: 'The X-MobilePay-Idempotency-Key header is missing.' },
  TOKEN_MERCHANT_VAT_INVALID: { status: 400, code: '1182', message: 'The merchant_vat claim of the access token is invalid.' },

  // 401: no valid access token. MobilePay's gateway answered these without a v10 code.
  UNAUTHORIZED: { status: 401, code: null, message: 'A valid bearer access token is required.' },

  // 403: someone else's resource
  POS_OF_OTHER_INTEGRATOR: { status: 403, code: '1400', message: 'The point of sale belongs to another integrator.' },
  PAYMENT_OF_OTHER_INTEGRATOR: { status: 403, code: '1401', message: 'The payment belongs to another integrator.' },
  REFUND_OF_OTHER_INTEGRATOR: { status: 403, code: '1402', message: 'The refund belongs to another integrator.' },
  STORE_OF_OTHER_MERCHANT: { status: 403, code: '1403', message: 'The store does not belong to the merchant.' },
  READY_FOR_OTHER_MERCHANT: { status: 403, code: '1406', message: 'The payment belongs to another merchant.' },
  CAPTURE_FOR_OTHER_MERCHANT: { status: 403, code: '1407', message: 'The payment belongs to another merchant.' },
  CANCEL_FOR_OTHER_MERCHANT: { status: 403, code: '1408', message: 'The payment belongs to another merchant.' },
  DELETE_POS_FOR_OTHER_MERCHANT: { status: 403, code: '1409', message: 'The point of sale belongs to another merchant.' },
  QUERY_POS_FOR_OTHER_MERCHANT: { status: 403, code: '1410', message: 'The point of sale belongs to another merchant.' },
  QUERY_PAYMENT_FOR_OTHER_MERCHANT: { status: 403, code: '1411', message: 'The payment belongs to another merchant.' },
  // v10 has no code of its own for these: a payment created on, or a refund of, another merchant's resource
  // (same integrator) answers the other-integrator code with a message naming the merchant.
  POS_OF_OTHER_MERCHANT: { status: 403, code: '1400', message: 'The point of sale belongs to another merchant.' },
  PAYMENT_OF_OTHER_MERCHANT: { status: 403, code: '1401', message: 'The payment belongs to another merchant.' },
  REFUND_OF_OTHER_MERCHANT: { status: 403, code: '1402', message: 'The refund belongs to another merchant.' },

  // 404
  NOT_FOUND: { status: 404, code: '1004', message: 'The resource was not found.' },
  POS_UNKNOWN: { status: 404, code: '1004', message: 'The point of sale was not found.' },
  PAYMENT_UNKNOWN: { status: 404, code: '1004', message: 'The payment was not found.' },
  REFUND_UNKNOWN: { status: 404, code: '1004', message: 'The refund was not found.' },
  STORE_UNKNOWN: { status: 404, code: '1004', message: 'The store was not found.' },

  // 409: the request conflicts with the state of the platform
  POS_NOT_FOUND: { status: 409, code: '1000', message: 'The point of sale was not found.' },
  PAYMENT_NOT_FOUND: { status: 409, code: '1001', message: 'The payment was not found.' },
  STORE_NOT_FOUND: { status: 409, code: '1002', message: 'The store was not found.' },
  MERCHANT_POS_ID_IN_USE: { status: 409, code: '1200', message: 'An active point of sale with this merchantPosId already exists.' },
  BEACON_ID_IN_USE: { status: 409, code: '1202', message: 'An active point of sale with this beaconId already exists.' },
  STORE_NOT_ACTIVATED: { status: 409, code: '1204', message: 'The store of this point of sale is not activated.' },
  PAYMENT_NOT_CANCELLABLE: { status: 409, code: '1300', message: 'The payment cannot be cancelled in its current state.' },
  ACTIVE_PAYMENT_EXISTS: { status: 409, code: '1301', message: 'The point of sale already has an active payment.' },
  PAYMENT_NOT_READYABLE: { status: 409, code: '1303', message: 'Only a Prepared or Paired payment can be marked ready.' },
  PAYMENT_NOT_RESERVED: { status: 409, code: '1304', message: 'Only a Reserved payment can be captured.' },
  CAPTURE_ABOVE_RESERVED: { status: 409, code: '1305', message: 'The capture amount is above the reserved amount.' },
  IDEMPOTENCY_KEY_REUSED: { status: 409, code: '1306', message: 'The idempotency key was used before with a different request.' },
  CAPTURED_WITH_OTHER_AMOUNT: { status: 409, code: '1307', message: 'The payment was already captured with a different amount.' },
  PARTIAL_CAPTURE_NOT_POSSIBLE: { status: 409, code: '1308', message: 'Partial capture is not possible for this payment.' },
  REFUND_NOT_RESERVED: { status: 409, code: '1351', message: 'Only a Reserved refund can be captured.' },
  REFUND_NOT_CANCELLABLE: { status: 409, code: '1352', message: 'The refund cannot be cancelled in its current state.' },
  PAYMENT_NOT_CAPTURED: { status: 409, code: '1354', message: 'Only a Captured payment can be refunded.' },
  REFUND_CURRENCY_MISMATCH: { status: 409, code: '1365', message: 'The refund currency differs from the payment currency.' },
  PAYMENT_TOO_OLD_TO_REFUND: { status: 409, code: '1366', message: 'The payment was captured more than 90 days ago.' },
  REFUNDS_EXCEED_CAPTURED: { status: 409, code: '1367', message: 'The refunds would exceed the captured amount.' },
  REFUND_EXCEEDS_BALANCE: { status: 409, code: '1368', message: "The refund exceeds the store's available balance." },

  // Customer side and internal: our codes (3000-3999), not MobilePay's. The v10 API is the integrator's; the
  // customer's app and the platform's own timers had no public codes, so these are ours and outside v10's ranges.
  STALE_EVENT: { status: 409, code: '3000', message: 'The payment or refund changed before this event could apply.' },
  PAYMENT_NOT_AWAITING_CUSTOMER: { status: 409, code: '3001', message: 'There is no payment awaiting this customer.' },
  UNKNOWN_BEACON: { status: 404, code: '3002', message: 'No active point of sale has this beacon.' },
  UNKNOWN_CUSTOMER: { status: 404, code: '3003', message: 'No MobilePay user has this phone number.' },
  CARD_TYPE_DISALLOWED: { status: 409, code: '3004', message: "The payment's restrictions disallow the customer's card type." },
  MERCHANT_NOT_LINKED: { status: 403, code: '3010', message: "The merchant is not linked to the caller's integrator: it may not act on the merchant's behalf." },
  CHECKIN_REQUIRES_PAYMENT: { status: 409, code: '3005', message: 'This point of sale accepts check-ins only while a payment is waiting.' },

  // 500: never shows internals
  INTERNAL: { status: 500, code: '2000', message: 'An internal error occurred. Quote the correlation id when contacting support.' },
} as const satisfies Record<string, { status: number; code: string | null; message: string }>;

export type ErrorName = keyof typeof ERRORS;

/** A refusal the platform gives on purpose; the HTTP layer renders it from the table above. */
export class DomainError extends Error {
  readonly status: number;
  readonly code: string | null;

  constructor(readonly errorName: ErrorName, detail?: string) {
    const entry = ERRORS[errorName];
    super(detail ?? entry.message);
    this.name = 'DomainError';
    this.status = entry.status;
    this.code = entry.code;
  }
}
