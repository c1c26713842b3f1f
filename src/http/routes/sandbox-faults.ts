import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FaultRule } from '../../domain/fault-rule.js';
import type { Platform } from '../../platform.js';
import { FaultRuleError } from '../../services/fault-injection.js';
import { requireAdminToken } from '../plugins/admin-auth.js';
import { sendError } from '../plugins/error-handler.js';
import { ErrorResponse, EmptyResponse, errorResponses } from '../schemas/common.js';
import { FaultRuleList, FaultRuleParams, FaultRuleRequest, FaultRuleResponse } from '../schemas/fault-rules.js';

const tags = ['Sandbox'];

export type SandboxFaultRouteDeps = Pick<Platform, 'adminToken' | 'faultRules'>;

const view = (rule: FaultRule) => ({ ...rule, createdAt: new Date(rule.createdAt).toISOString() });

/**
 * The operator's fault rules (issue 11), so an integrator can rehearse timeouts and lost answers outside
 * certification. A rule applies on every process sharing the database within a quarter second.
 */
export const sandboxFaultRoutes =
  ({ adminToken, faultRules }: SandboxFaultRouteDeps): FastifyPluginAsyncTypebox =>
  async (app) => {
    requireAdminToken(app, adminToken);

    app.post(
      '/',
      {
        schema: {
          operationId: 'AddFaultRule',
          summary: "Injects a fault into one of a client's calls.",
          tags,
          body: FaultRuleRequest,
          response: { 200: FaultRuleResponse, ...errorResponses(ErrorResponse, [400, 401]) },
        },
      },
      async (request, reply) => {
        try {
          return view(await faultRules.add(request.body));
        } catch (error) {
          if (error instanceof FaultRuleError) return sendError(request, reply, 'BAD_REQUEST', `The fault rule is refused: ${error.message}.`);
          throw error;
        }
      },
    );

    app.get(
      '/',
      { schema: { operationId: 'ListFaultRules', summary: 'The fault rules.', tags, response: { 200: FaultRuleList, ...errorResponses(ErrorResponse, [401]) } } },
      async () => ({ rules: (await faultRules.list()).map(view) }),
    );

    app.delete(
      '/:ruleId',
      {
        schema: {
          operationId: 'RemoveFaultRule',
          summary: 'Removes a fault rule.',
          tags,
          params: FaultRuleParams,
          response: { 200: EmptyResponse, ...errorResponses(ErrorResponse, [401, 404]) },
        },
      },
      async (request, reply) => {
        if (!(await faultRules.remove(request.params.ruleId))) return sendError(request, reply, 'NOT_FOUND');
        return reply.send();
      },
    );
  };
