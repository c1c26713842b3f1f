import assert from 'node:assert/strict';
import { describe, test, type TestContext } from 'node:test';
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import { buildApp } from '../../src/http/app.js';
import { TEST_SEED, tokenFor, v10 } from '../helpers/fixtures.js';
import { assertContract } from '../helpers/contract.js';
import { ENGINES, startPlatform } from '../helpers/platform.js';

/** Every operation of the official v10 contract (pos-v10.openapi.yaml), the sandbox's user simulation included. */
const V10_OPERATIONS = [
  'GetStores', 'GetDetailedStores', 'GetStore',
  'CreatePos', 'GetPosWithFilter', 'GetPos', 'DeletePos', 'GetCheckIn',
  'InitiatePayment', 'PreparePayment', 'PaymentReady', 'QueryPayment', 'QueryPaymentIds', 'CapturePayment', 'CancelPayment',
  'CreateRefund', 'GetRefund', 'QueryRefundIds', 'CaptureRefund', 'CancelRefund',
  'UserSimulationCheckin', 'UserSimulationAcceptPayment', 'UserSimulationCancelPayment',
];

for (const engine of ENGINES) {
  describe(`health, metrics and docs (${engine})`, () => {
    test('healthz answers 200', async (t) => {
      const { app } = await startPlatform(t, engine);
      const response = await app.inject({ method: 'GET', url: '/healthz' });
      assert.equal(response.statusCode, 200);
    });

    test('metrics count requests by route and status in the Prometheus format', async (t) => {
      const { app } = await startPlatform(t, engine, { seed: TEST_SEED });
      const token = await tokenFor(app);
      const started = performance.now(); // the platform runs in this process: one clock for both
      await v10(app, 'GET', '/stores', { token });
      const elapsedSeconds = (performance.now() - started) / 1000;
      const metrics = await app.inject({ method: 'GET', url: '/metrics' });
      assert.equal(metrics.statusCode, 200);
      assert.match(metrics.headers['content-type'] as string, /^text\/plain/);
      assert.match(metrics.body, /http_request_duration_seconds_count\{method="GET",route="\/pos\/v10\/stores",status_code="200"\} 1/);
      const sum = Number(/http_request_duration_seconds_sum\{method="GET",route="\/pos\/v10\/stores",status_code="200"\} (\S+)/.exec(metrics.body)?.[1]);
      assert.ok(sum > 0 && sum <= elapsedSeconds, `the call's own duration, s: ${sum} of ${elapsedSeconds}`);
      assert.match(metrics.body, /process_cpu_user_seconds_total/);
    });

    test('the OpenAPI document lists the v10 operations with the contract schemas, and /docs serves the reader', async (t) => {
      const { app } = await startPlatform(t, engine);
      const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
      assert.equal(doc.openapi, '3.0.3');
      const operationIds = Object.values(doc.paths as Record<string, Record<string, { operationId?: string }>>)
        .flatMap((path) => Object.values(path).map((op) => op.operationId));
      for (const id of V10_OPERATIONS) assert.ok(operationIds.includes(id), `missing ${id}`);
      const createPos = doc.paths['/pos/v10/pointofsales'].post;
      assert.deepEqual(
        Object.keys(createPos.requestBody.content['application/json'].schema.properties).sort(),
        ['beaconId', 'callbackAlias', 'merchantPosId', 'name', 'requirePaymentBeforeCheckin', 'storeId', 'supportedBeaconTypes'],
      );
      const docs = await app.inject({ method: 'GET', url: '/docs/' });
      assert.equal(docs.statusCode, 200);
      assert.match(docs.body, /swagger/i);
    });

    test("every /pos/v10 operation needs the client-credentials scheme of our token endpoint, so the docs' Authorize works; nothing else does", async (t) => {
      const { app } = await startPlatform(t, engine, { env: { PUBLIC_URL: 'https://pos.example.com' } });
      const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
      const schemes = doc.components.securitySchemes as Record<string, { type: string; flows: { clientCredentials: { tokenUrl: string } } }>;
      const [name, scheme] = Object.entries(schemes).find(([, s]) => s.type === 'oauth2')!;
      assert.equal(scheme.flows.clientCredentials.tokenUrl, 'https://pos.example.com/integrator-authentication/connect/token');
      let v10Operations = 0;
      for (const [path, operations] of Object.entries(doc.paths as Record<string, Record<string, { security?: unknown }>>)) {
        for (const [method, operation] of Object.entries(operations)) {
          if (path.startsWith('/pos/v10/')) {
            v10Operations++;
            assert.deepEqual(operation.security, [{ [name]: [] }], `${method} ${path}`);
          } else {
            assert.equal(operation.security, undefined, `${method} ${path}`);
          }
        }
      }
      assert.equal(v10Operations, V10_OPERATIONS.filter((id) => !id.startsWith('UserSimulation')).length);
    });

    test('an unknown path is 404 with the error body; an unsupported media type is a 4xx with code 1099', async (t) => {
      const { app } = await startPlatform(t, engine, { seed: TEST_SEED });
      const unknown = await app.inject({ method: 'GET', url: '/pos/v11/stores' });
      assert.equal(unknown.statusCode, 404);
      assertContract('ErrorResponse', unknown.json());
      const token = await tokenFor(app);
      const xml = await app.inject({
        method: 'POST',
        url: '/pos/v10/pointofsales',
        headers: {
          authorization: `Bearer ${token}`,
          'x-mobilepay-client-system-version': '1.0.0',
          'x-mobilepay-merchant-vat-number': 'DK11111111',
          'x-mobilepay-idempotency-key': 'k',
          'content-type': 'application/xml',
        },
        payload: '<pos/>',
      });
      assert.equal(xml.statusCode, 415);
      assert.equal(xml.json().code, '1099');
    });
  });
}

describe('request logging', () => {
  async function appLoggingAt(t: TestContext, level: string) {
    const lines: Record<string, unknown>[] = [];
    const logger = pino({ level }, { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) });
    const { platform } = await startPlatform(t, 'sqlite', { seed: TEST_SEED });
    const app = await buildApp(platform, { logger });
    t.after(() => app.close());
    return { app, lines };
  }

  test('every request line carries its correlation id', async (t) => {
    const { app, lines } = await appLoggingAt(t, 'info');
    const response = await app.inject({ method: 'GET', url: '/healthz', headers: { 'x-correlation-id': 'trace-me-1' } });
    assert.equal(response.statusCode, 200);
    const ofRequest = lines.filter((l) => l.correlationId === 'trace-me-1');
    assert.deepEqual(ofRequest.map((l) => l.msg), ['incoming request', 'request completed']);
  });

  test('a level that logs nothing writes nothing', async (t) => {
    const { app, lines } = await appLoggingAt(t, 'warn');
    await app.inject({ method: 'GET', url: '/healthz' });
    assert.deepEqual(lines, []);
  });
});
