import type { FastifyRequest } from 'fastify';
import type { Idempotency } from '../../../services/idempotency.js';
import type { Db } from '../../../store/database.js';
import { idempotencyKeyOf } from '../../plugins/v10-auth.js';

/**
 * Runs a creating POST through the idempotency mechanism (SPEC §2.4): the key is scoped to the calling
 * integrator and the endpoint ("POST /pos/v10/payments"), and a retry answers the first call's response.
 */
export async function createIdempotently<T>(idempotency: Idempotency, request: FastifyRequest, create: (trx: Db) => Promise<T>): Promise<T> {
  const { caller } = request;
  const endpoint = `${request.method} ${request.routeOptions.url}`;
  const result = await idempotency.run({ integratorId: caller.integratorId, endpoint, key: idempotencyKeyOf(request), body: request.body }, create);
  // The request log files the call (a retry's too) under the id it answers.
  request.created = result.body;
  return result.body;
}
