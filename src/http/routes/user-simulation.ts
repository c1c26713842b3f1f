import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Platform } from '../../platform.js';
import { requireAccessToken } from '../plugins/bearer-token.js';
import { EmptyResponse, ErrorResponse, errorResponses } from '../schemas/common.js';
import { AcceptPaymentRequest, CancelPaymentByUserRequest, UserCheckInRequest } from '../schemas/user-simulation.js';

const tags = ['User Simulation'];
const response = { 200: EmptyResponse, ...errorResponses(ErrorResponse, [400, 401, 404, 409, 500]) };

export type UserSimulationRouteDeps = Pick<Platform, 'tokens' | 'customerSide'>;

/**
 * MobilePay's sandbox user simulation (SPEC §8): the integrator acts as the customer's phone. Each call is the
 * customer side's own operation, through the same state machine; nothing here shortcuts it.
 */
export const userSimulationRoutes =
  ({ tokens, customerSide }: UserSimulationRouteDeps): FastifyPluginAsyncTypebox =>
  async (app) => {
    requireAccessToken(app, tokens);

    app.post(
      '/checkin',
      { schema: { operationId: 'UserSimulationCheckin', summary: 'Checks in a user at a PoS.', tags, body: UserCheckInRequest, response } },
      async (request, reply) => {
        await customerSide.checkIn(request.body.beaconId, request.body.phoneNumber);
        return reply.code(200).send();
      },
    );

    app.post(
      '/acceptpayment',
      {
        schema: {
          operationId: 'UserSimulationAcceptPayment',
          summary: 'The user accepts the payment issued to them.',
          tags,
          body: AcceptPaymentRequest,
          response,
        },
      },
      async (request, reply) => {
        await customerSide.acceptPayment(request.body.beaconId, request.body.phoneNumber);
        return reply.code(200).send();
      },
    );

    app.post(
      '/cancelpaymentbyuser',
      {
        schema: {
          operationId: 'UserSimulationCancelPayment',
          summary: 'The user cancels the payment on the PoS.',
          tags,
          body: CancelPaymentByUserRequest,
          response,
        },
      },
      async (request, reply) => {
        await customerSide.cancelPayment(request.body.beaconId);
        return reply.code(200).send();
      },
    );
  };
