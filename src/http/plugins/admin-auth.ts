import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { sendError } from './error-handler.js';

const digest = (text: string) => createHash('sha256').update(text).digest();

/** Operator and sandbox control endpoints: `Authorization: Bearer <ADMIN_TOKEN>`, compared in constant time. */
export function requireAdminToken(scope: FastifyInstance, adminToken: string): void {
  const expected = digest(adminToken);
  scope.addHook('onRequest', async (request, reply) => {
    const authorization = request.headers.authorization;
    const sent = authorization?.startsWith('Bearer ') ? authorization.slice(7).trim() : '';
    if (!timingSafeEqual(digest(sent), expected)) return sendError(request, reply, 'UNAUTHORIZED', 'The admin token is required.');
  });
}
