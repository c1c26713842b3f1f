import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Registry } from 'prom-client';
import { RequestDurations } from '../../src/http/request-durations.js';

describe('request durations histogram', () => {
  async function exposition(observe: (d: RequestDurations) => void): Promise<string[]> {
    const durations = new RequestDurations();
    observe(durations);
    const registry = new Registry();
    registry.registerMetric(durations.asMetric());
    return (await registry.metrics()).trim().split('\n');
  }

  test('counts each observation in the first bucket whose bound it does not exceed, cumulatively, with sum and count', async () => {
    const lines = await exposition((d) => [0.0005, 0.001, 0.003, 3].forEach((s) => d.observe('GET', '/pos/v10/payments/:paymentid', 200, s)));
    const labels = 'method="GET",route="/pos/v10/payments/:paymentid",status_code="200"';
    const cumulative = [['0.001', 2], ['0.0025', 2], ['0.005', 3], ['0.01', 3], ['0.025', 3], ['0.05', 3], ['0.1', 3], ['0.25', 3], ['0.5', 3], ['1', 3], ['2.5', 3], ['+Inf', 4]];
    assert.deepEqual(lines, [
      '# HELP http_request_duration_seconds HTTP request duration by method, route and status',
      '# TYPE http_request_duration_seconds histogram',
      ...cumulative.map(([le, n]) => `http_request_duration_seconds_bucket{le="${le}",${labels}} ${n}`),
      `http_request_duration_seconds_sum{${labels}} ${0.0005 + 0.001 + 0.003 + 3}`,
      `http_request_duration_seconds_count{${labels}} 4`,
    ]);
  });

  test('keeps one series per method, route and status', async () => {
    const lines = await exposition((d) => {
      d.observe('GET', '/pos/v10/stores', 200, 0.002);
      d.observe('GET', '/pos/v10/stores', 401, 0.002);
      d.observe('POST', '/pos/v10/stores', 200, 0.002);
      d.observe('GET', '/pos/v10/stores', 200, 0.002);
    });
    const counts = lines.filter((l) => l.startsWith('http_request_duration_seconds_count'));
    assert.deepEqual(counts, [
      'http_request_duration_seconds_count{method="GET",route="/pos/v10/stores",status_code="200"} 2',
      'http_request_duration_seconds_count{method="GET",route="/pos/v10/stores",status_code="401"} 1',
      'http_request_duration_seconds_count{method="POST",route="/pos/v10/stores",status_code="200"} 1',
    ]);
  });
});
