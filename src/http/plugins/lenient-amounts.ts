import type { FastifyInstance, FastifyRequest, FastifyReply, HookHandlerDoneFunction, RouteOptions } from 'fastify';
import fp from 'fastify-plugin';
import { fromMinorUnits, minorUnitsOfText } from '../../domain/money.js';

/** The body schemas of the routes that take an amount (initiate, ready, capture, create refund). */
const takesAmount = (route: RouteOptions): boolean => {
  const body = route.schema?.body as { properties?: Record<string, unknown> } | undefined;
  return body?.properties?.amount !== undefined;
};

/**
 * An amount sent as a string holding a plain decimal (`"amount": "12.50"`) becomes that number before the body
 * is validated, and the call is marked for the request log, which shows it outside the contract (SPEC §2.7:
 * MobilePay's Json.NET read such a string into a decimal, and real clients send one). Any other string stays a string and fails the
 * schema's `number` as an invalid amount (1102). Converted here, before validation, the idempotency check
 * compares the same body for a retry whether it sends "12.50" or 12.5.
 */
function readAmountText(request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction): void {
  const body = request.body as { amount?: unknown } | null | undefined;
  if (typeof body === 'object' && body !== null && typeof body.amount === 'string') {
    const minor = minorUnitsOfText(body.amount);
    if (minor !== null) {
      body.amount = fromMinorUnits(minor);
      request.amountAsString = true;
    }
  }
  done();
}

/** Puts readAmountText before validation on every route whose body has an amount; no other route runs it. */
export const lenientAmounts = fp(
  async (app: FastifyInstance) => {
    app.decorateRequest('amountAsString', false);
    app.addHook('onRoute', (route) => {
      if (!takesAmount(route)) return;
      const before = route.preValidation === undefined ? [] : [route.preValidation].flat();
      route.preValidation = [...before, readAmountText];
    });
  },
  { name: 'lenient-amounts' },
);
