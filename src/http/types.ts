import type { Caller } from '../services/caller.js';
import type { TokenClaims } from '../services/tokens.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by requireIntegratorCall (plugins/v10-auth.ts) on every authenticated /pos/v10 call. */
    caller: Caller;
    /** Set by requireAccessToken (plugins/bearer-token.ts): the verified token's claims (user simulation, dashboard). */
    claims: TokenClaims;
    /** performance.now() when the request arrived (the request-context plugin). */
    receivedAt: number;
    /** The call was accepted outside the contract's letter (an amount sent as a string), for the request log. */
    outsideContract: boolean;
  }
  interface FastifyContextConfig {
    /** The route creates a resource: X-MobilePay-Idempotency-Key is required. */
    idempotent?: boolean;
    /** Written into every error body of the route (the refunds endpoints' ErrorResponseV2 says "PoS"). */
    errorOrigin?: string;
  }
}
