import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { STORE_A1, v10, type V10CallOptions } from './fixtures.js';

/** Built-in sandbox test users (SPEC §8). */
export const USERS = {
  credit: '+4520031801',
  debit: '+4520031802',
  loyalty: '+4520031804',
  partialCapture: '+4520031805',
  finnishCredit: '+358200318001',
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
  const { posId } = created.json<{ posId: string }>();
  const read = await v10(app, 'GET', `/pointofsales/${posId}`, { token, ...call });
  return { posId, beaconId: read.json<{ beaconId: string }>().beaconId };
}

export const initiateBody = (posId: string, overrides: Record<string, unknown> = {}) => ({
  posId,
  orderId: unique('order'),
  amount: 100,
  currencyCode: 'DKK',
  plannedCaptureDelay: 'None',
  ...overrides,
});

/** Initiates a payment; answers the raw response so a test can assert a refusal. */
export function initiate(app: FastifyInstance, token: string, posId: string, overrides: Record<string, unknown> = {}, call: Partial<V10CallOptions> = {}) {
  return v10(app, 'POST', '/payments', { token, idempotencyKey: unique(), ...call }, initiateBody(posId, overrides));
}

/** Initiates a payment that must succeed, and answers its id. */
export async function initiated(app: FastifyInstance, token: string, posId: string, overrides: Record<string, unknown> = {}): Promise<string> {
  const response = await initiate(app, token, posId, overrides);
  assert.equal(response.statusCode, 200, response.body);
  return response.json<{ paymentId: string }>().paymentId;
}

/** The sandbox user simulation (SPEC §8): act as the customer's phone. */
export function simulate(app: FastifyInstance, token: string, action: 'checkin' | 'acceptpayment' | 'cancelpaymentbyuser', body: Record<string, unknown>) {
  return app.inject({
    method: 'POST',
    url: `/pos/app/usersimulation/${action}`,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    payload: JSON.stringify(body),
  });
}

/** Checks the user in and accepts: the payment must end Reserved. */
export async function reserve(app: FastifyInstance, token: string, pos: TestPos, phoneNumber: string = USERS.credit): Promise<void> {
  const checkin = await simulate(app, token, 'checkin', { beaconId: pos.beaconId, phoneNumber });
  assert.equal(checkin.statusCode, 200, checkin.body);
  const accept = await simulate(app, token, 'acceptpayment', { beaconId: pos.beaconId, phoneNumber });
  assert.equal(accept.statusCode, 200, accept.body);
}

export async function getPayment(app: FastifyInstance, token: string, paymentId: string, call: Partial<V10CallOptions> = {}) {
  const response = await v10(app, 'GET', `/payments/${paymentId}`, { token, ...call });
  assert.equal(response.statusCode, 200, response.body);
  return response.json<Record<string, unknown> & { status: string }>();
}

/** A captured payment of `amount` on a new PoS: initiate → check in → accept → capture. */
export async function capturedPayment(app: FastifyInstance, token: string, amount = 100, overrides: Record<string, unknown> = {}): Promise<string> {
  const pos = await createPos(app, token);
  const paymentId = await initiated(app, token, pos.posId, { amount, ...overrides });
  await reserve(app, token, pos);
  const capture = await v10(app, 'POST', `/payments/${paymentId}/capture`, { token }, { amount });
  assert.equal(capture.statusCode, 200, capture.body);
  return paymentId;
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

/** Asserts an error answer: status, v10 code, and the error body shape (with `origin` on refunds). */
export function assertError(response: { statusCode: number; json: () => any; body: string }, status: number, code: string | null): void {
  assert.equal(response.statusCode, status, response.body);
  assert.equal(response.json().code, code, response.body);
  assert.ok(response.json().correlationId, response.body);
}
