import { Type } from '@sinclair/typebox';
import { Nullable, Strict, StringEnum } from './common.js';

/** Our own API (the dashboard page's), not v10's. Query values are text: the platform converts no types. */
export const DashboardCallsQuery = Type.Object({
  limit: Type.Optional(Type.String({ pattern: '^([1-9][0-9]{0,2}|1000)$', description: 'How many calls, 1-1000 (100).' })),
  tooSoon: Type.Optional(StringEnum(['true', 'false'] as const, { description: 'true: only the polls that came sooner than their pollDelayInMs.' })),
});

export const DashboardCallsResponse = Type.Object(
  {
    clientId: Type.String(),
    calls: Type.Array(
      Type.Object(
        {
          at: Type.String({ format: 'date-time' }),
          method: Type.String(),
          route: Type.String(),
          path: Type.String(),
          status: Type.Integer(),
          latencyMs: Type.Number(),
          correlationId: Type.String(),
          idempotencyKey: Nullable(Type.String()),
          polledTooSoon: Type.Boolean(),
          outsideContract: Type.Boolean({ description: 'Accepted outside the contract (an amount sent as a string), as MobilePay did.' }),
        },
        Strict,
      ),
    ),
  },
  { ...Strict, title: 'DashboardCallsResponse' },
);
