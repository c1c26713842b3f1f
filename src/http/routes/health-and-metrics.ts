import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Registry, collectDefaultMetrics, type Metric } from 'prom-client';
import { millisecondsSinceReceived } from '../plugins/request-context.js';
import { RequestDurations } from '../request-durations.js';

export interface HealthAndMetricsDeps {
  /** The platform's own figures (Platform.metrics). */
  metrics: readonly Metric[];
}

/**
 * Readiness, and Prometheus metrics: request durations by route and status, the platform's own figures, and
 * Node's.
 */
export const healthAndMetrics = ({ metrics }: HealthAndMetricsDeps) => fp(async (app: FastifyInstance) => {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  for (const metric of metrics) registry.registerMetric(metric);
  const durations = new RequestDurations();
  registry.registerMetric(durations.asMetric());

  // onSend, not onResponse: see the request-context plugin.
  app.addHook('onSend', (request, reply, payload, done) => {
    // Unmatched URLs share one label, so scanning for paths cannot blow up the number of series.
    const route = request.routeOptions.url ?? 'unmatched';
    durations.observe(request.method, route, reply.statusCode, millisecondsSinceReceived(request) / 1000);
    done(null, payload);
  });

  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));

  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) =>
    reply.type(registry.contentType).send(await registry.metrics()),
  );
}, { name: 'health-and-metrics' });
