import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RequestLog } from '../../services/request-log.js';
import { millisecondsSinceReceived } from './request-context.js';

/** The path parameters that name the resource a call is about. */
interface ResourceParams {
  paymentid?: string;
  refundid?: string;
  posid?: string;
}

/** What a creating POST answers: the id of what it made. */
interface CreatedIds {
  paymentId?: string;
  refundId?: string;
  posId?: string;
}

/** Records every authenticated call of the scope in the request log (a buffer push; written in batches). */
export function recordCalls(scope: FastifyInstance, log: RequestLog): void {
  scope.decorateRequest('created', null);
  // onSend, not onResponse: see the request-context plugin.
  scope.addHook('onSend', (request, reply, payload, done) => {
    // A call refused before the caller was known (no valid token) has nobody to be filed under.
    if (request.caller) record(request, reply);
    done(null, payload);
  });

  function record(request: FastifyRequest, reply: FastifyReply): void {
    const { caller } = request;
    const key = request.headers['x-mobilepay-idempotency-key'];
    const ibmClientId = request.headers['x-ibm-client-id'];
    const url = request.url;
    const query = url.indexOf('?');
    const params = request.params as ResourceParams;
    const created = request.created as CreatedIds | null;
    // The one object this call costs the log: it is buffered as it is, and the log fills in its time.
    log.record({
      at: 0,
      callOrder: 0,
      clientId: caller.clientId,
      integratorId: caller.integratorId,
      merchantVat: caller.merchantVat,
      systemName: caller.systemName ?? null,
      systemVersion: caller.systemVersion,
      method: request.method,
      route: request.routeOptions.url ?? 'unmatched',
      path: query < 0 ? url : url.slice(0, query),
      resourceId: params.paymentid ?? params.refundid ?? params.posid ?? created?.paymentId ?? created?.refundId ?? created?.posId ?? null,
      status: reply.statusCode,
      v10Code: request.v10Code,
      idempotencyKey: typeof key === 'string' ? key.slice(0, 36) : null,
      correlationId: request.id,
      ibmClientId: typeof ibmClientId === 'string' ? ibmClientId.slice(0, 64) : null,
      latencyMs: millisecondsSinceReceived(request),
      polledTooSoon: false,
      amountAsString: request.amountAsString,
    });
  }
}
