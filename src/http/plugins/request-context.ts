import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { LogController, type FastifyInstance, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import fp from 'fastify-plugin';

const CORRELATION_HEADER = 'x-correlation-id';
const ACCEPTABLE = /^[A-Za-z0-9._:-]{1,64}$/;

/**
 * Every request gets a correlation id: the caller's `x-correlation-id` when it is a sane token, otherwise a
 * new UUID. It is the Fastify request id, so every log line of the request carries it.
 */
export const correlationIdOptions: Pick<FastifyServerOptions, 'genReqId' | 'logController' | 'requestIdHeader'> = {
  requestIdHeader: false,
  logController: new LogController({ requestIdLogLabel: 'correlationId' }),
  genReqId(request) {
    const sent = request.headers[CORRELATION_HEADER];
    return typeof sent === 'string' && ACCEPTABLE.test(sent) ? sent : randomUUID();
  },
};

/**
 * Every response carries the correlation id as a header too, and every request notes when it arrived: the
 * metrics and the request log take their latency from it as the answer is sent (onSend), because an
 * onResponse hook makes Fastify listen on every response for its end, which cost more than they record.
 */
export const requestContext = fp(
  async (app: FastifyInstance) => {
    app.decorateRequest('receivedAt', 0);
    // Callback-style hooks here and in the other per-request plugins: they cost no promise on every call.
    app.addHook('onRequest', (request, reply, done) => {
      request.receivedAt = performance.now();
      reply.header(CORRELATION_HEADER, request.id);
      done();
    });
  },
  { name: 'request-context' },
);

/** Milliseconds since the request arrived; 0 for one refused before the hooks ran (a malformed URL, say). */
export const millisecondsSinceReceived = (request: FastifyRequest): number =>
  request.receivedAt === 0 ? 0 : performance.now() - request.receivedAt;
