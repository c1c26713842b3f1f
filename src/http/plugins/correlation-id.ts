import { randomUUID } from 'node:crypto';
import { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import fp from 'fastify-plugin';

export const CORRELATION_HEADER = 'x-correlation-id';
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

/** Every response carries the correlation id as a header too. */
export const correlationId = fp(
  async (app: FastifyInstance) => {
    // Callback-style hooks here and in the other per-request plugins: they cost no promise on every call.
    app.addHook('onRequest', (request, reply, done) => {
      reply.header(CORRELATION_HEADER, request.id);
      done();
    });
  },
  { name: 'correlation-id' },
);
