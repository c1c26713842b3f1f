/**
 * What an injected fault does to one call of the integrator API (issue 11, SPEC §10), so an integrator can
 * rehearse timeouts and lost answers: the work either happens and its answer is late, replaced or lost, or it
 * never happens.
 */
export const FAULT_KINDS = ['late', 'error-after', 'error-before', 'drop-after'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** The longest delay a `late` rule may hold an answer back: longer than any client timeout worth rehearsing. */
export const MAX_FAULT_DELAY_MS = 30_000;

/**
 * One rule: the `attempt`-th call (1-based, counted from the rule's creation) of `clientId` to `route` gets
 * the fault. `route` is the Fastify route template with its method, e.g. `POST /pos/v10/pointofsales`.
 */
export interface FaultRule {
  ruleId: string;
  clientId: string;
  route: string;
  attempt: number;
  kind: FaultKind;
  /** How long a `late` answer is held back; 0 for the other kinds. */
  delayMs: number;
  /** Matching calls seen so far (the rule fires when this reaches `attempt`). */
  callsSeen: number;
  createdAt: number;
  /** Who made it: 'operator', or the certification run that did. */
  origin: string;
}

export const isFaultKind = (value: string): value is FaultKind => (FAULT_KINDS as readonly string[]).includes(value);

/** The key a rule is found under on the hot path: one string per (client, route). */
export const faultKey = (clientId: string, route: string): string => `${clientId} ${route}`;

/**
 * The integrator API's routes, as a rule names them. The HTTP layer refuses to start with a /pos/v10 route
 * missing here (plugins/fault-injection.ts), so the list cannot fall behind the routes.
 */
export const FAULT_ROUTES: readonly string[] = [
  'POST /pos/v10/payments',
  'POST /pos/v10/payments/prepare',
  'POST /pos/v10/payments/:paymentid/ready',
  'GET /pos/v10/payments/:paymentid',
  'GET /pos/v10/payments',
  'POST /pos/v10/payments/:paymentid/capture',
  'POST /pos/v10/payments/:paymentid/cancel',
  'POST /pos/v10/pointofsales',
  'GET /pos/v10/pointofsales',
  'GET /pos/v10/pointofsales/:posid',
  'DELETE /pos/v10/pointofsales/:posid',
  'GET /pos/v10/pointofsales/:posid/checkin',
  'POST /pos/v10/refunds',
  'GET /pos/v10/refunds/:refundid',
  'GET /pos/v10/refunds',
  'POST /pos/v10/refunds/:refundid/capture',
  'POST /pos/v10/refunds/:refundid/cancel',
  'GET /pos/v10/stores',
  'GET /pos/v10/stores/detailed',
  'GET /pos/v10/stores/:storeid',
];
