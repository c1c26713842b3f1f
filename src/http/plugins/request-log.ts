import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RequestLog } from '../../services/request-log.js';
import { millisecondsSinceReceived } from './request-context.js';

/** Records every authenticated call of the scope in the request log (a buffer push; written in batches). */
export function recordCalls(scope: FastifyInstance, log: RequestLog): void {
  // onSend, not onResponse: see the request-context plugin.
  scope.addHook('onSend', (request, reply, payload, done) => {
    // A call refused before the caller was known (no valid token) has nobody to be filed under.
    if (request.caller) record(request, reply);
    done(null, payload);
  });

  function record(request: FastifyRequest, reply: FastifyReply): void {
    const key = request.headers['x-mobilepay-idempotency-key'];
    const ibmClientId = request.headers['x-ibm-client-id'];
    const url = request.url;
    const query = url.indexOf('?');
    log.record({
      clientId: request.caller.clientId,
      method: request.method,
      route: request.routeOptions.url ?? 'unmatched',
      path: query < 0 ? url : url.slice(0, query),
      status: reply.statusCode,
      latencyMs: millisecondsSinceReceived(request),
      correlationId: request.id,
      idempotencyKey: typeof key === 'string' ? key.slice(0, 36) : null,
      ibmClientId: typeof ibmClientId === 'string' ? ibmClientId.slice(0, 64) : null,
      outsideContract: request.outsideContract,
    });
  }
}
