import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Platform } from '../../platform.js';
import { requireAdminToken } from '../plugins/admin-auth.js';
import { ErrorResponse, errorResponses } from '../schemas/common.js';
import { AdvanceClockRequest, ClockResponse } from '../schemas/sandbox.js';

const tags = ['Sandbox'];

export type SandboxRouteDeps = Pick<Platform, 'adminToken' | 'clock' | 'sandboxClock' | 'dueTimers' | 'deliveries'>;

/**
 * The sandbox clock (SPEC §9): read platform time, or move it forward and run everything that became due
 * (expiries, auto-captures, check-in timeouts, payouts) before answering; notification retries that fell due
 * are started, never waited for.
 */
export const sandboxRoutes =
  ({ adminToken, clock, sandboxClock, dueTimers, deliveries }: SandboxRouteDeps): FastifyPluginAsyncTypebox =>
  async (app) => {
    requireAdminToken(app, adminToken);
    const nowIso = () => ({ now: new Date(clock.now()).toISOString() });

    app.get(
      '/clock',
      { schema: { operationId: 'GetSandboxClock', summary: 'Platform time.', tags, response: { 200: ClockResponse, ...errorResponses(ErrorResponse, [401]) } } },
      async () => {
        await sandboxClock.sync();
        return nowIso();
      },
    );

    app.post(
      '/clock',
      {
        schema: {
          operationId: 'AdvanceSandboxClock',
          summary: 'Moves platform time forward and runs everything that became due.',
          tags,
          body: AdvanceClockRequest,
          response: { 200: ClockResponse, ...errorResponses(ErrorResponse, [400, 401]) },
        },
      },
      async (request) => {
        await sandboxClock.advance(request.body.advanceMs);
        await dueTimers.runDue();
        // Deliveries whose retry fell due start now, but their receivers are not waited for.
        deliveries.wake();
        return nowIso();
      },
    );
  };
