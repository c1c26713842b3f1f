import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { bearerToken } from './bearer-token.js';
import { sendError } from './error-handler.js';

const digest = (text: string) => createHash('sha256').update(text).digest();

/** Operator and sandbox control endpoints: `Authorization: Bearer <ADMIN_TOKEN>`, compared in constant time. */
export function requireAdminToken(scope: FastifyInstance, adminToken: string): void {
  const expected = digest(adminToken);
  scope.addHook('onRequest', async (request, reply) => {
    if (!timingSafeEqual(digest(bearerToken(request) ?? ''), expected)) return sendError(request, reply, 'UNAUTHORIZED', 'The admin token is required.');
  });
}
