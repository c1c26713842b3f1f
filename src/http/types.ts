import type { Caller } from '../services/caller.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the pos-api plugin on every authenticated /pos/v10 call. */
    caller: Caller;
    /** performance.now() when the request arrived (the request-context plugin). */
    receivedAt: number;
  }
  interface FastifyContextConfig {
    /** The route creates a resource: X-MobilePay-Idempotency-Key is required. */
    idempotent?: boolean;
    /** Written into every error body of the route (the refunds endpoints' ErrorResponseV2 says "PoS"). */
    errorOrigin?: string;
  }
}
