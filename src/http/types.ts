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
    /** The call sent an amount as a string, accepted outside the contract's letter (SPEC §2.7), for the request log. */
    amountAsString: boolean;
    /** The v10 code of the error answered (plugins/error-handler.ts), for the request log; null on success. */
    v10Code: string | null;
    /** What a creating POST answered (routes/v10/idempotent-route.ts), for the request log to file the call under its id. */
    created: unknown;
  }
  interface FastifyContextConfig {
    /** The route creates a resource: X-MobilePay-Idempotency-Key is required. */
    idempotent?: boolean;
    /** Written into every error body of the route (the refunds endpoints' ErrorResponseV2 says "PoS"). */
    errorOrigin?: string;
  }
}
