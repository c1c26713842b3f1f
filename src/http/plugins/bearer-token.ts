import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TokenClaims, TokenService } from '../../services/tokens.js';
import { sendError } from './error-handler.js';

/** The token of an `Authorization: Bearer <token>` header; undefined when there is no such header. */
export const bearerToken = (request: FastifyRequest): string | undefined => {
  const authorization = request.headers.authorization;
  return authorization?.startsWith('Bearer ') ? authorization.slice(7).trim() : undefined;
};

/**
 * A valid access token and nothing else, its claims on `request.claims`: the sandbox's user simulation (MobilePay's
 * sandbox asked no v10 headers there: it acts as the customer, not on behalf of a merchant) and the
 * integrator's dashboard (which shows the client its own calls).
 */
export function requireAccessToken(scope: FastifyInstance, tokens: TokenService): void {
  scope.decorateRequest('claims', null as unknown as TokenClaims);
  scope.addHook('onRequest', async (request, reply) => {
    const token = bearerToken(request);
    const claims = token ? await tokens.verify(token) : null;
    if (!claims) return sendError(request, reply, 'UNAUTHORIZED');
    request.claims = claims;
  });
}
