import assert from 'node:assert/strict';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { DueRun } from '../../src/jobs/due-timers.js';
import type { Platform } from '../../src/platform.js';
import { assertContract } from './contract.js';
import { STORE_A1, v10, type V10CallOptions } from './fixtures.js';

/** Built-in sandbox test users (SPEC §8). */
export const USERS = {
  credit: '+4520031801',
  debit: '+4520031802',
  otherCredit: '+4520031803',
  loyalty: '+4520031804',
  partialCapture: '+4520031805',
  finnishCredit: '+358200318001',
  finnishPartialCapture: '+358200318005',
} as const;

let counter = 0;
/** A key (or order id) no other call of this test process uses. */
export const unique = (prefix = 'k') => `${prefix}-${process.pid}-${++counter}`;

export interface TestPos {
  posId: string;
  beaconId: string;
}

/** Creates a PoS on STORE_A1 (or as `overrides` say) and reads its beacon id back. */
export async function createPos(app: FastifyInstance, token: string, overrides: Record<string, unknown> = {}, call: Partial<V10CallOptions> = {}): Promise<TestPos> {
  const created = await v10(app, 'POST', '/pointofsales', { token, idempotencyKey: unique(), ...call }, {
    merchantPosId: unique('till'),
    storeId: STORE_A1,
    name: 'Till',
    supportedBeaconTypes: ['QR'],
    ...overrides,
  });
  assert.equal(created.statusCode, 200, created.body);
  assertContract('CreatePosResponse', created.json());
  const { posId } = created.json<{ posId: string }>();
  const read = await v10(app, 'GET', `/pointofsales/${posId}`, { token, ...call });
  assert.equal(read.statusCode, 200, read.body);
  assertContract('PosResponse', read.json());
  return { posId, beaconId: read.json<{ beaconId: string }>().beaconId };
}

/** The terms of a payment that initiate and ready carry: amount, currency, planned capture delay. */
export const paymentTerms = (overrides: Record<string, unknown> = {}) => ({
  amount: 100,
  currencyCode: 'DKK',
  plannedCaptureDelay: 'None',
  ...overrides,
});

export const initiateBody = (posId: string, overrides: Record<string, unknown> = {}) => ({
  posId,
  orderId: unique('order'),
  ...paymentTerms(overrides),
});

/** Initiates a payment; answers the raw response so a test can assert a refusal. */
export function initiate(app: FastifyInstance, token: string, posId: string, overrides: Record<string, unknown> = {}, call: Partial<V10CallOptions> = {}) {
  return v10(app, 'POST', '/payments', { token, idempotencyKey: unique(), ...call }, initiateBody(posId, overrides));
}

/** Prepares a payment (no amount yet); answers the raw response. */
export function prepare(app: FastifyInstance, token: string, posId: string, overrides: Record<string, unknown> = {}, call: Partial<V10CallOptions> = {}) {
  return v10(app, 'POST', '/payments/prepare', { token, idempotencyKey: unique(), ...call }, { posId, orderId: unique('order'), ...overrides });
}

/** The paymentId of a successful initiate or prepare, its body checked against the contract. */
export function createdPaymentId(response: LightMyRequestResponse): string {
  assert.equal(response.statusCode, 200, response.body);
  assertContract('PaymentInitiatedResponse', response.json());
  return response.json<{ paymentId: string }>().paymentId;
}

/** Initiates a payment that must succeed, and answers its id. */
export async function initiated(app: FastifyInstance, token: string, posId: string, overrides: Record<string, unknown> = {}, call: Partial<V10CallOptions> = {}): Promise<string> {
  return createdPaymentId(await initiate(app, token, posId, overrides, call));
}

/** Prepares a payment that must succeed, and answers its id. */
export async function prepared(app: FastifyInstance, token: string, posId: string, overrides: Record<string, unknown> = {}, call: Partial<V10CallOptions> = {}): Promise<string> {
  return createdPaymentId(await prepare(app, token, posId, overrides, call));
}

/** Gives a prepared payment its terms (`paymentTerms` plus `overrides`); the raw response. */
export function ready(app: FastifyInstance, token: string, paymentId: string, overrides: Record<string, unknown> = {}, call: Partial<V10CallOptions> = {}) {
  return v10(app, 'POST', `/payments/${paymentId}/ready`, { token, ...call }, paymentTerms(overrides));
}

export function capture(app: FastifyInstance, token: string, paymentId: string, amount: unknown, call: Partial<V10CallOptions> = {}) {
  return v10(app, 'POST', `/payments/${paymentId}/capture`, { token, ...call }, { amount });
}

export function cancel(app: FastifyInstance, token: string, paymentId: string, call: Partial<V10CallOptions> = {}) {
  return v10(app, 'POST', `/payments/${paymentId}/cancel`, { token, ...call });
}

/** `GET /payments?<query>` that must succeed: the ids, the body checked against the contract. */
export async function listPayments(app: FastifyInstance, token: string, query: string, call: Partial<V10CallOptions> = {}): Promise<string[]> {
  const response = await v10(app, 'GET', `/payments?${query}`, { token, ...call });
  assert.equal(response.statusCode, 200, `${query}: ${response.body}`);
  assertContract('QueryPaymentIdsResponse', response.json());
  return response.json<{ paymentIds: string[] }>().paymentIds;
}

/** `GET /pointofsales/{posId}/checkin` that must succeed, the body checked against the contract. */
export async function getCheckin(app: FastifyInstance, token: string, posId: string, call: Partial<V10CallOptions> = {}) {
  const response = await v10(app, 'GET', `/pointofsales/${posId}/checkin`, { token, ...call });
  assert.equal(response.statusCode, 200, response.body);
  assertContract('GetCheckInResponse', response.json());
  return response.json<Record<string, unknown> & { isUserCheckedIn: boolean }>();
}

/** The sandbox user simulation (SPEC §8): act as the customer's phone; a null token sends no Authorization header. */
export function simulate(app: FastifyInstance, token: string | null, action: 'checkin' | 'acceptpayment' | 'cancelpaymentbyuser', body: Record<string, unknown>) {
  return app.inject({
    method: 'POST',
    url: `/pos/app/usersimulation/${action}`,
    headers: { ...(token === null ? {} : { authorization: `Bearer ${token}` }), 'content-type': 'application/json' },
    payload: JSON.stringify(body),
  });
}

/** The customer checks in on the PoS's beacon; the raw response. */
export function checkIn(app: FastifyInstance, token: string, pos: TestPos, phoneNumber: string = USERS.credit) {
  return simulate(app, token, 'checkin', { beaconId: pos.beaconId, phoneNumber });
}

/** The customer accepts the payment issued to them on the PoS; the raw response. */
export function accept(app: FastifyInstance, token: string, pos: TestPos, phoneNumber: string = USERS.credit) {
  return simulate(app, token, 'acceptpayment', { beaconId: pos.beaconId, phoneNumber });
}

/** Checks the user in and accepts: the payment must end Reserved. */
export async function reserve(app: FastifyInstance, token: string, pos: TestPos, phoneNumber: string = USERS.credit): Promise<void> {
  const checkin = await checkIn(app, token, pos, phoneNumber);
  assert.equal(checkin.statusCode, 200, checkin.body);
  const accepted = await accept(app, token, pos, phoneNumber);
  assert.equal(accepted.statusCode, 200, accepted.body);
}

export async function getPayment(app: FastifyInstance, token: string, paymentId: string, call: Partial<V10CallOptions> = {}) {
  const response = await v10(app, 'GET', `/payments/${paymentId}`, { token, ...call });
  assert.equal(response.statusCode, 200, response.body);
  assertContract('QueryPaymentResponse', response.json());
  return response.json<Record<string, unknown> & { status: string }>();
}

/** Where a test payment happens: on `pos` (else a new PoS on STORE_A1), with the call's headers, paid by `phoneNumber`. */
export interface PaymentSetup {
  pos?: TestPos;
  call?: Partial<V10CallOptions>;
  phoneNumber?: string;
}

/** A Reserved payment of `amount`: initiate → check in → accept, on `setup.pos` or a new PoS. */
export async function reservedPayment(
  app: FastifyInstance,
  token: string,
  amount = 100,
  overrides: Record<string, unknown> = {},
  setup: PaymentSetup = {},
): Promise<{ pos: TestPos; paymentId: string }> {
  const pos = setup.pos ?? (await createPos(app, token, {}, setup.call));
  const paymentId = await initiated(app, token, pos.posId, { amount, ...overrides }, setup.call);
  await reserve(app, token, pos, setup.phoneNumber);
  return { pos, paymentId };
}

/** A captured payment of `amount` on a new PoS (or `setup.pos`): initiate → check in → accept → capture. */
export async function capturedPayment(
  app: FastifyInstance,
  token: string,
  amount = 100,
  overrides: Record<string, unknown> = {},
  setup: PaymentSetup = {},
): Promise<string> {
  const { paymentId } = await reservedPayment(app, token, amount, overrides, setup);
  const captured = await capture(app, token, paymentId, amount, setup.call);
  assert.equal(captured.statusCode, 200, captured.body);
  return paymentId;
}

export const refundBody = (paymentId: string, overrides: Record<string, unknown> = {}) => ({
  paymentId,
  refundOrderId: unique('refund'),
  amount: 10,
  currencyCode: 'DKK',
  ...overrides,
});

/** Creates a refund; answers the raw response so a test can assert a refusal. */
export function createRefund(app: FastifyInstance, token: string, paymentId: string, overrides: Record<string, unknown> = {}, call: Partial<V10CallOptions> = {}) {
  return v10(app, 'POST', '/refunds', { token, idempotencyKey: unique(), ...call }, refundBody(paymentId, overrides));
}

/** Creates a refund of `amount` that must succeed, and answers its id. */
export async function refunded(app: FastifyInstance, token: string, paymentId: string, amount: number, call: Partial<V10CallOptions> = {}): Promise<string> {
  const response = await createRefund(app, token, paymentId, { amount }, call);
  assert.equal(response.statusCode, 200, response.body);
  assertContract('CreateRefundResponse', response.json());
  return response.json<{ refundId: string }>().refundId;
}

/** `GET /refunds/{refundId}` that must succeed, the body checked against the contract. */
export async function getRefund(app: FastifyInstance, token: string, refundId: string, call: Partial<V10CallOptions> = {}) {
  const response = await v10(app, 'GET', `/refunds/${refundId}`, { token, ...call });
  assert.equal(response.statusCode, 200, response.body);
  assertContract('GetRefundResponse', response.json());
  return response.json<Record<string, unknown> & { status: string; amount: number }>();
}

/** Moves platform time forward through the platform itself (no HTTP) and answers what the due-timer run processed. */
export async function advanceAndRun(platform: Platform, advanceMs: number): Promise<DueRun> {
  await platform.sandboxClock.advance(advanceMs);
  return platform.dueTimers.runDue();
}

/** Asserts what a due-timer run processed: the kinds named in `expected`, and nothing of any other kind. */
export function assertDue(run: DueRun, expected: Partial<DueRun>): void {
  const zeroes = Object.fromEntries(Object.keys(run).map((kind) => [kind, 0]));
  assert.deepEqual(run, { ...zeroes, ...expected });
}

/** Moves the sandbox clock forward through its HTTP endpoint, which runs everything that fell due. */
export async function advanceClock(app: FastifyInstance, adminToken: string, advanceMs: number): Promise<string> {
  const response = await app.inject({
    method: 'POST',
    url: '/sandbox/clock',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    payload: JSON.stringify({ advanceMs }),
  });
  assert.equal(response.statusCode, 200, response.body);
  return response.json<{ now: string }>().now;
}

/**
 * Asserts an error answer: status, v10 code, and the error body shape against the contract: `ErrorResponseV2`
 * (with `origin`) on the refunds endpoints (SPEC §2.2), `ErrorResponse` everywhere else.
 */
export function assertError(response: LightMyRequestResponse, status: number, code: string | null): void {
  assert.equal(response.statusCode, status, response.body);
  assert.equal(response.json().code, code, response.body);
  assert.ok(response.json().correlationId, response.body);
  const onRefunds = (response.raw.req.url ?? '').startsWith('/pos/v10/refunds');
  assertContract(onRefunds ? 'ErrorResponseV2' : 'ErrorResponse', response.json());
  if (onRefunds) assert.equal(response.json().origin, 'PoS', response.body);
}
