import assert from 'node:assert/strict';
import { connect, type AddressInfo } from 'node:net';
import { describe, test } from 'node:test';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { CLIENT_1, STORE_A1, TEST_SEED, tokenFor, v10, v10Headers } from '../helpers/fixtures.js';
import { assertContract } from '../helpers/contract.js';
import {
  assertError, capture, capturedPayment, createPos, createRefund, getPayment, getRefund, initiate, initiateBody, initiated, prepared, ready,
  refunded, reserve, reservedPayment, unique, USERS,
} from '../helpers/flows.js';
import { ENGINES, startPlatform } from '../helpers/platform.js';

/**
 * Requests shaped exactly as public v10 clients send them (SPEC §2.7): curl and PHP put
 * `Content-Type: application/json` on every call, body or not; okhttp appends `; charset=utf-8`.
 */
const JSON_TYPES = ['application/json', 'text/json', 'application/vnd.mobilepay+json', 'application/json-patch+json'];
const WITH_PARAMETERS = [
  ...JSON_TYPES.map((type) => `${type}; charset=utf-8`),
  'application/json;charset=UTF-8',
  'Application/JSON ; Charset="utf-8"',
  'application/json; charset=utf-8; boundary=x',
];

/** Words of Fastify's own error messages (and of JSON.parse's), none of which may reach a client. */
const FRAMEWORK_WORDS = /Body cannot be empty|Unsupported Media Type|Request body is too large|Unexpected token|FST_|Client Error|Client Timeout|did not match Content-Length|is not valid JSON but|is not a valid url component|must provide a|Bad Request/;

/** A response is a v10 error body in our words. */
function assertOurError(response: LightMyRequestResponse | RawResponse, status: number, what: string): void {
  const statusCode = 'statusCode' in response ? response.statusCode : response.status;
  assert.equal(statusCode, status, `${what}: ${response.body}`);
  assert.doesNotMatch(response.body, FRAMEWORK_WORDS, what);
  const { origin: _origin, ...body } = JSON.parse(response.body) as Record<string, unknown>;
  assertContract('ErrorResponse', body);
  assert.equal(typeof body.code, 'string', `${what}: ${response.body}`);
  assert.equal(typeof body.correlationId, 'string', `${what}: ${response.body}`);
}

async function listening(app: FastifyInstance): Promise<number> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  return (app.server.address() as AddressInfo).port;
}

interface RawResponse {
  status: number;
  body: string;
  /** The whole answer as it came off the wire */
  text: string;
}

const parseRaw = (text: string): RawResponse => {
  const end = text.indexOf('\r\n\r\n');
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
  let body = end < 0 ? '' : text.slice(end + 4);
  // A chunked answer: the chunk sizes around the one JSON body.
  if (/\r\ntransfer-encoding: chunked\r\n/i.test(text.slice(0, end))) body = body.replace(/^[0-9a-f]+\r\n/i, '').replace(/\r\n0\r\n\r\n$/, '');
  return { status, body, text };
};

/**
 * Writes `request` (then each of `trickle` after `gapMs`) on a fresh connection and reads until the server ends
 * it. Fails after `boundMs`: a server that keeps the connection open is the failure.
 */
function exchange(port: number, request: string, options: { trickle?: string[]; gapMs?: number; boundMs?: number } = {}): Promise<RawResponse> {
  const { trickle = [], gapMs = 0, boundMs = 10_000 } = options;
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    const timers: NodeJS.Timeout[] = [];
    const bound = setTimeout(() => {
      socket.destroy();
      reject(new Error(`the server kept the connection open for ${boundMs} ms; it sent: ${JSON.stringify(text)}`));
    }, boundMs);
    socket.on('data', (chunk) => (text += chunk.toString('latin1')));
    socket.on('error', () => undefined); // a reset after the answer: what was read is the answer
    socket.on('close', () => {
      clearTimeout(bound);
      timers.forEach(clearTimeout);
      resolve(parseRaw(text));
    });
    socket.write(request);
    trickle.forEach((bytes, i) => timers.push(setTimeout(() => socket.writable && socket.write(bytes), gapMs * (i + 1))));
  });
}

/** The raw header lines of a v10 call, ending the header block. */
function rawV10(method: string, path: string, token: string, lines: string[]): string {
  const headers = Object.entries(v10Headers({ token })).map(([name, value]) => `${name}: ${value}`);
  return [`${method} /pos/v10${path} HTTP/1.1`, 'Host: 127.0.0.1', ...headers, ...lines, 'Connection: close', '', ''].join('\r\n');
}

for (const engine of ENGINES) {
  describe(`what real v10 clients send (${engine})`, () => {
    test('a body-less call with a JSON Content-Type and an empty body proceeds as if no Content-Type was sent', async (t) => {
      const { app } = await startPlatform(t, engine, { seed: TEST_SEED });
      const token = await tokenFor(app);
      // No body, so no charset to refuse either.
      for (const contentType of [...JSON_TYPES, ...WITH_PARAMETERS, 'application/json; charset=iso-8859-1']) {
        const headers = v10Headers({ token }, false);
        const call = (method: 'POST' | 'DELETE' | 'GET', url: string) =>
          app.inject({ method, url: `/pos/v10${url}`, headers: { ...headers, 'content-type': contentType }, payload: '' });
        const pos = await createPos(app, token);
        const paymentId = await initiated(app, token, pos.posId);
        const cancelled = await call('POST', `/payments/${paymentId}/cancel`);
        assert.equal(cancelled.statusCode, 200, `cancel with ${contentType}: ${cancelled.body}`);
        assert.equal(cancelled.body, '');
        const read = await call('GET', `/pointofsales/${pos.posId}`);
        assert.equal(read.statusCode, 200, `get with ${contentType}: ${read.body}`);
        const deleted = await call('DELETE', `/pointofsales/${pos.posId}`);
        assert.equal(deleted.statusCode, 200, `delete with ${contentType}: ${deleted.body}`);
      }
      const paymentId = await capturedPayment(app, token, 100);
      for (const action of ['capture', 'cancel']) {
        const refundId = await refunded(app, token, paymentId, 1);
        const response = await app.inject({ method: 'POST', url: `/pos/v10/refunds/${refundId}/${action}`, headers: { ...v10Headers({ token }), 'content-type': 'application/json' }, payload: '' });
        assert.equal(response.statusCode, 200, `refund ${action}: ${response.body}`);
      }
    });

    test('the wallet and sandbox routes take an empty JSON body as no body too', async (t) => {
      const { app, platform } = await startPlatform(t, engine, { seed: TEST_SEED });
      const token = await tokenFor(app);
      for (const answer of ['decline', 'accept'] as const) {
        const paymentId = await issuedPayment(app, token);
        const response = await app.inject({ method: 'POST', url: `/app/api/users/${encodeURIComponent(USERS.credit)}/payments/${paymentId}/${answer}`, headers: { 'content-type': 'application/json' }, payload: '' });
        assert.equal(response.statusCode, 200, `${answer}: ${response.body}`);
      }
      const clock = await app.inject({ method: 'GET', url: '/sandbox/clock', headers: { authorization: `Bearer ${platform.adminToken}`, 'content-type': 'application/json' }, payload: '' });
      assert.equal(clock.statusCode, 200, clock.body);
      const calls = await app.inject({ method: 'GET', url: '/dashboard/api/calls', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, payload: '' });
      assert.equal(calls.statusCode, 200, calls.body);
    });

    test('an empty body where a body is needed is the 1099 a missing body gets, whatever the JSON type', async (t) => {
      const { app, platform } = await startPlatform(t, engine, { seed: TEST_SEED });
      const token = await tokenFor(app);
      const { paymentId } = await reservedPayment(app, token, 100);
      const v10Call = (url: string) => ({ url: `/pos/v10${url}`, headers: v10Headers({ token, idempotencyKey: unique() }) });
      const endpoints = [
        v10Call('/pointofsales'),
        v10Call('/payments'),
        v10Call('/payments/prepare'),
        v10Call(`/payments/${paymentId}/capture`),
        v10Call(`/payments/${paymentId}/ready`),
        v10Call('/refunds'),
        { url: '/pos/app/usersimulation/checkin', headers: { authorization: `Bearer ${token}` } },
        { url: '/sandbox/clock', headers: { authorization: `Bearer ${platform.adminToken}` } },
        { url: `/app/api/users/${encodeURIComponent(USERS.credit)}/checkin`, headers: {} },
      ];
      for (const { url, headers } of endpoints) {
        const missing = await app.inject({ method: 'POST', url, headers });
        assertError(missing, 400, '1099');
        for (const contentType of [...JSON_TYPES, 'application/json; charset=utf-8']) {
          const empty = await app.inject({ method: 'POST', url, headers: { ...headers, 'content-type': contentType }, payload: '' });
          assertOurError(empty, 400, `${url} with ${contentType}`);
          assert.deepEqual([empty.json().code, empty.json().message], [missing.json().code, missing.json().message], `${url} with ${contentType}`);
        }
      }
    });

    test("curl's Content-Length: 0 and an empty chunked body, through Node's own parser, are no body", async (t) => {
      const { app } = await startPlatform(t, engine, { seed: TEST_SEED });
      const token = await tokenFor(app);
      const port = await listening(app);
      for (const framing of [['Content-Length: 0'], ['Transfer-Encoding: chunked']]) {
        const pos = await createPos(app, token);
        const paymentId = await initiated(app, token, pos.posId);
        const body = framing[0] === 'Transfer-Encoding: chunked' ? '0\r\n\r\n' : '';
        const cancelled = await exchange(port, rawV10('POST', `/payments/${paymentId}/cancel`, token, ['Content-Type: application/json', ...framing]) + body);
        assert.equal(cancelled.status, 200, `cancel with ${framing[0]}: ${cancelled.text}`);
        const deleted = await exchange(port, rawV10('DELETE', `/pointofsales/${pos.posId}`, token, ['Content-Type: application/json; charset=utf-8', ...framing]) + body);
        assert.equal(deleted.status, 200, `delete with ${framing[0]}: ${deleted.text}`);
        const needsBody = await exchange(port, rawV10('POST', '/payments', token, ['Content-Type: application/json', `X-MobilePay-Idempotency-Key: ${unique()}`, ...framing]) + body);
        assertOurError(needsBody, 400, `initiate with ${framing[0]}`);
        assert.equal(JSON.parse(needsBody.body).code, '1099');
      }
    });

    test("a media-type parameter is accepted on the four JSON types (okhttp's charset=utf-8); another charset is 415", async (t) => {
      const { app } = await startPlatform(t, engine, { seed: TEST_SEED });
      const token = await tokenFor(app);
      const body = () => JSON.stringify({ merchantPosId: unique('till'), storeId: STORE_A1, name: 'Till', supportedBeaconTypes: ['QR'] });
      for (const contentType of WITH_PARAMETERS) {
        const response = await app.inject({ method: 'POST', url: '/pos/v10/pointofsales', headers: { ...v10Headers({ token, idempotencyKey: unique() }), 'content-type': contentType }, payload: body() });
        assert.equal(response.statusCode, 200, `${contentType}: ${response.body}`);
      }
      for (const contentType of ['application/json; charset=iso-8859-1', 'text/json; charset=utf-16', 'application/json-patch+json; charset=latin1']) {
        const response = await app.inject({ method: 'POST', url: '/pos/v10/pointofsales', headers: { ...v10Headers({ token, idempotencyKey: unique() }), 'content-type': contentType }, payload: body() });
        assertOurError(response, 415, contentType);
        assert.match(response.json().message, /UTF-8/);
      }
    });

    test('no framework message reaches a client: every 4xx is a v10 error body in our words', async (t) => {
      const { app } = await startPlatform(t, engine, { seed: TEST_SEED });
      const token = await tokenFor(app);
      const post = (payload: string, contentType = 'application/json', url = '/pos/v10/pointofsales') =>
        app.inject({ method: 'POST', url, headers: { ...v10Headers({ token, idempotencyKey: unique() }), 'content-type': contentType }, payload });
      const cases: Array<[what: string, response: LightMyRequestResponse, status: number]> = [
        ['malformed JSON', await post('{"merchantPosId": '), 400],
        ['JSON with a stray token', await post('{"a": 1}x'), 400],
        ['a prototype-poisoning body', await post('{"__proto__": {"x": 1}}'), 400],
        ['an unsupported content type', await post('<pos/>', 'application/xml'), 415],
        ['an unparsable content type', await post('{}', 'json'), 415],
        ['a body too large', await post(JSON.stringify({ name: 'x'.repeat(70_000) })), 413],
        ['an empty body on a route needing one', await post(''), 400],
        ['a body shorter than its Content-Length', await app.inject({ method: 'POST', url: '/pos/v10/pointofsales', headers: { ...v10Headers({ token, idempotencyKey: unique() }), 'content-type': 'application/json', 'content-length': '100' }, payload: '{}' }), 400],
        ['an invalid URL', await app.inject({ method: 'GET', url: '/pos/v10/pointofsales/%E0%A4%A', headers: v10Headers({ token }) }), 400],
        ['an unsupported method', await app.inject({ method: 'PATCH', url: '/pos/v10/payments', headers: v10Headers({ token }) }), 404],
        ['a bad query string', await app.inject({ method: 'GET', url: '/pos/v10/pointofsales?storeId=%ZZ', headers: v10Headers({ token }) }), 400],
        ['a dashboard query out of range', await app.inject({ method: 'GET', url: '/dashboard/api/calls?limit=%ZZ', headers: { authorization: `Bearer ${token}` } }), 400],
        ['a form body on a JSON route', await post('merchantPosId=x', 'application/x-www-form-urlencoded'), 400],
        ['a text body on a JSON route', await post('x', 'text/plain'), 400],
      ];
      for (const [what, response, status] of cases) assertOurError(response, status, what);
    });

    test('an amount sent as a plain decimal string is that number on initiate, ready, capture and refund, recorded as outside the contract', async (t) => {
      const { app, platform } = await startPlatform(t, engine, { seed: TEST_SEED });
      const token = await tokenFor(app);
      const pos = await createPos(app, token);
      const paymentId = await initiated(app, token, pos.posId, { amount: '12.50' });
      assert.equal((await getPayment(app, token, paymentId)).amount, 12.5);
      await reserve(app, token, pos);
      const captured = await capture(app, token, paymentId, '12.5');
      assert.equal(captured.statusCode, 200, captured.body);
      assert.equal((await capture(app, token, paymentId, 12.5)).statusCode, 200, 'the same amount as a number: a repeated capture');
      const refund = await createRefund(app, token, paymentId, { amount: '2.05' });
      assert.equal(refund.statusCode, 200, refund.body);
      assert.equal((await getRefund(app, token, refund.json().refundId)).amount, 2.05);

      const otherPos = await createPos(app, token);
      const preparedId = await prepared(app, token, otherPos.posId);
      const readied = await ready(app, token, preparedId, { amount: '100' });
      assert.equal(readied.statusCode, 200, readied.body);
      assert.equal((await getPayment(app, token, preparedId)).amount, 100);

      await platform.requestLog.flush();
      const outside = (await platform.requestLog.recent({ clientId: CLIENT_1.clientId, limit: 100 }))
        .filter((c) => c.amount_as_string === 1)
        .map((c) => `${c.method} ${c.route} ${c.status}`)
        .reverse();
      assert.deepEqual(outside, [
        'POST /pos/v10/payments 200',
        'POST /pos/v10/payments/:paymentid/capture 200',
        'POST /pos/v10/refunds 200',
        'POST /pos/v10/payments/:paymentid/ready 200',
      ]);
      const dashboard = await app.inject({ method: 'GET', url: '/dashboard/api/calls', headers: { authorization: `Bearer ${token}` } });
      const calls = dashboard.json<{ calls: Array<{ route: string; outsideContract: boolean }> }>().calls;
      assert.equal(calls.filter((c) => c.outsideContract).length, 4);
      assert.ok(calls.some((c) => !c.outsideContract), 'calls with number amounts are within the contract');
    });

    test('a retry sending the amount as a string replays the call first sent with the number', async (t) => {
      const { app } = await startPlatform(t, engine, { seed: TEST_SEED });
      const token = await tokenFor(app);
      const pos = await createPos(app, token);
      const body = initiateBody(pos.posId, { amount: 12.5 });
      const key = unique();
      const first = await v10(app, 'POST', '/payments', { token, idempotencyKey: key }, body);
      const retry = await v10(app, 'POST', '/payments', { token, idempotencyKey: key }, { ...body, amount: '12.50' });
      assert.equal(retry.statusCode, 200, retry.body);
      assert.equal(retry.json().paymentId, first.json().paymentId);
    });

    test('any other string amount is 1102 on every endpoint that takes an amount', async (t) => {
      const { app } = await startPlatform(t, engine, { seed: TEST_SEED });
      const token = await tokenFor(app);
      const pos = await createPos(app, token);
      const paymentId = await capturedPayment(app, token, 100);
      const { paymentId: reservedId } = await reservedPayment(app, token, 100);
      const preparedId = await prepared(app, token, (await createPos(app, token)).posId);
      for (const amount of ['12.505', '1e2', '-1', '+12', ' 12', '12 ', '12,50', '12.', '.5', '0', '0.00', '1000000.01', 'abc', '']) {
        assertError(await initiate(app, token, pos.posId, { amount }), 400, '1102');
        assertError(await ready(app, token, preparedId, { amount }), 400, '1102');
        assertError(await capture(app, token, reservedId, amount), 400, '1102');
        assertError(await createRefund(app, token, paymentId, { amount }), 400, '1102');
      }
    });

    test('the OpenAPI document still says number for every amount of a request, and tells of the leniency', async (t) => {
      const { app } = await startPlatform(t, engine);
      const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
      const amounts: Array<{ type: string; description?: string }> = [];
      for (const [path, operations] of Object.entries<Record<string, { requestBody?: { content: Record<string, { schema: { properties?: Record<string, { type: string }> } }> } }>>(doc.paths)) {
        for (const operation of Object.values(operations)) {
          const schema = operation.requestBody?.content['application/json']?.schema;
          if (schema?.properties?.amount) amounts.push({ ...schema.properties.amount, path } as never);
        }
      }
      assert.equal(amounts.length, 4, JSON.stringify(amounts));
      for (const amount of amounts) {
        assert.equal(amount.type, 'number', JSON.stringify(amount));
        assert.match(amount.description ?? '', /string/, JSON.stringify(amount));
      }
    });

    test('errors Node raises below Fastify (a bad request line, huge headers, a malformed Content-Length) are v10 bodies too', async (t) => {
      const { app } = await startPlatform(t, engine, { seed: TEST_SEED });
      const token = await tokenFor(app);
      const port = await listening(app);
      const badLine = await exchange(port, 'GET /pos/v10/stores HTTP/1.1 extra\r\nHost: x\r\n\r\n');
      assertOurError(badLine, 400, 'a bad request line');
      const hugeHeader = await exchange(port, `GET /pos/v10/stores HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
      assertOurError(hugeHeader, 431, 'headers too large');
      const badLength = await exchange(port, rawV10('POST', '/pointofsales', token, ['Content-Type: application/json', 'Content-Length: abc']));
      assertOurError(badLength, 400, 'a non-numeric Content-Length');
    });
  });
}

describe('a request that trickles in', () => {
  test('is answered 408 with a v10 error body and its connection released once the request timeout passes', async (t) => {
    const { app } = await startPlatform(t, 'sqlite', { seed: TEST_SEED, env: { REQUEST_TIMEOUT_MS: '300' } });
    const token = await tokenFor(app);
    const port = await listening(app);
    const head = rawV10('POST', '/pointofsales', token, ['Content-Type: application/json', 'Content-Length: 100', `X-MobilePay-Idempotency-Key: ${unique()}`]);
    // One byte every 100 ms keeps the connection busy: only the whole-request bound ends it.
    const answer = await exchange(port, head + '{"me', { trickle: Array.from({ length: 100 }, () => 'x'), gapMs: 100, boundMs: 8000 });
    assertOurError(answer, 408, 'a trickling body');
  });

  test('headers that never end are answered 408 the same way', async (t) => {
    const { app } = await startPlatform(t, 'sqlite', { seed: TEST_SEED, env: { REQUEST_TIMEOUT_MS: '300' } });
    const port = await listening(app);
    const answer = await exchange(port, 'GET /pos/v10/stores HTTP/1.1\r\nHost: x\r\n', { trickle: Array.from({ length: 100 }, (_, i) => `X-${i}: y\r\n`), gapMs: 100, boundMs: 8000 });
    assertOurError(answer, 408, 'trickling headers');
  });
});

/** A payment issued to the customer (checked in, not yet accepted), for the wallet's answers. */
async function issuedPayment(app: FastifyInstance, token: string): Promise<string> {
  const pos = await createPos(app, token);
  const paymentId = await initiated(app, token, pos.posId);
  const checkedIn = await app.inject({ method: 'POST', url: `/app/api/users/${encodeURIComponent(USERS.credit)}/checkin`, payload: { beaconId: pos.beaconId } });
  assert.equal(checkedIn.statusCode, 200, checkedIn.body);
  return paymentId;
}
