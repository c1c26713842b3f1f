import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Platform } from '../../platform.js';
import { callView } from '../../services/request-log.js';
import { requireAccessToken } from '../plugins/bearer-token.js';
import { ErrorResponse, errorResponses } from '../schemas/common.js';
import { DashboardCallsQuery, DashboardCallsResponse } from '../schemas/dashboard.js';

export type DashboardRouteDeps = Pick<Platform, 'tokens' | 'requestLog'>;

/**
 * The integrator's dashboard API (SPEC §9 `/dashboard`): a client sees its own recent /pos/v10 calls, from the
 * request log, with the polls that came too soon flagged. The client is the one the access token was issued to.
 */
export const dashboardRoutes =
  ({ tokens, requestLog }: DashboardRouteDeps): FastifyPluginAsyncTypebox =>
  async (app) => {
    requireAccessToken(app, tokens);

    app.get(
      '/calls',
      {
        schema: {
          operationId: 'DashboardCalls',
          summary: "The calling client's recent /pos/v10 calls, newest first.",
          tags: ['Dashboard'],
          querystring: DashboardCallsQuery,
          response: { 200: DashboardCallsResponse, ...errorResponses(ErrorResponse, [400, 401]) },
        },
      },
      async (request) => {
        const { clientId } = request.claims;
        const { limit = '100', tooSoon } = request.query;
        const entries = await requestLog.recent({ clientId, limit: Number(limit), onlyPolledTooSoon: tooSoon === 'true' });
        return { clientId, calls: entries.map((entry) => ({ ...callView(entry), at: new Date(entry.at).toISOString() })) };
      },
    );
  };
