import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { beaconIdOfScan } from '../../domain/ids.js';
import type { Platform } from '../../platform.js';
import { EmptyResponse, ErrorResponse, errorResponses } from '../schemas/common.js';
import { WalletCheckInRequest, WalletPaymentParams, WalletResponse, WalletUserParams, WalletUsersResponse } from '../schemas/wallet.js';

const tags = ['Wallet'];
const actionResponse = { 200: EmptyResponse, ...errorResponses(ErrorResponse, [400, 404, 409]) };

export type WalletRouteDeps = Pick<Platform, 'wallet' | 'customerSide'>;

/**
 * The wallet app's API (SPEC §9 `/app`): a sandbox customer's phone. Like the user simulation it acts as the
 * customer, through the customer side's operations (CustomerSide) and the same state machine; it asks for no token, since the
 * customers it acts for are the sandbox's test users.
 */
export const walletRoutes =
  ({ wallet, customerSide }: WalletRouteDeps): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.get(
      '/users',
      { schema: { operationId: 'WalletUsers', summary: 'The test users a wallet can be opened for.', tags, response: { 200: WalletUsersResponse } } },
      async () => ({ users: await wallet.users() }),
    );

    app.get(
      '/users/:phoneNumber',
      {
        schema: {
          operationId: 'Wallet',
          summary: "A customer's wallet: a waiting check-in and their payments, newest first.",
          tags,
          params: WalletUserParams,
          response: { 200: WalletResponse, ...errorResponses(ErrorResponse, [404]) },
        },
      },
      (request) => wallet.view(request.params.phoneNumber),
    );

    app.post(
      '/users/:phoneNumber/checkin',
      {
        schema: { operationId: 'WalletCheckIn', summary: 'Checks the customer in at a beacon.', tags, params: WalletUserParams, body: WalletCheckInRequest, response: actionResponse },
      },
      async (request, reply) => {
        // The wallet is the phone: what it scanned may be a QR code's whole payload.
        await customerSide.checkIn(beaconIdOfScan(request.body.beaconId), request.params.phoneNumber);
        return reply.code(200).send();
      },
    );

    // The customer's two answers to a payment issued to them, each the customer side's own operation.
    const answers = [
      { answer: 'accept', operationId: 'WalletAccept', summary: 'The customer accepts a payment issued to them.', run: customerSide.acceptOwnPayment },
      { answer: 'decline', operationId: 'WalletDecline', summary: 'The customer declines a payment on their phone.', run: customerSide.declineOwnPayment },
    ] as const;
    for (const { answer, operationId, summary, run } of answers) {
      app.post(
        `/users/:phoneNumber/payments/:paymentId/${answer}`,
        { schema: { operationId, summary, tags, params: WalletPaymentParams, response: actionResponse } },
        async (request, reply) => {
          await run.call(customerSide, request.params.paymentId, request.params.phoneNumber);
          return reply.code(200).send();
        },
      );
    }
  };
