import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Config } from '../../../config.js';
import type { Platform } from '../../../platform.js';
import { createIdempotently } from './idempotent-route.js';
import { EmptyResponse, ErrorResponse, IdempotentV10Headers, V10Headers, errorResponses } from '../../schemas/common.js';
import {
  CreatePosRequest,
  CreatePosResponse,
  GetCheckInResponse,
  PosFilterQuery,
  PosIdParams,
  PosIdsResponse,
  PosResponse,
} from '../../schemas/points-of-sale.js';

const tags = ['Point Of Sales'];
const orUndefined = <T>(value: T | null | undefined): T | undefined => value ?? undefined;

export type PointOfSaleRouteDeps = Pick<Platform, 'pointsOfSale' | 'idempotency' | 'customerSide'> & Pick<Config, 'pollDelayMs'>;

export const pointOfSaleRoutes =
  ({ pointsOfSale, idempotency, customerSide, pollDelayMs }: PointOfSaleRouteDeps): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.post(
      '/pointofsales',
      {
        config: { idempotent: true },
        schema: {
          operationId: 'CreatePos',
          summary: 'Creates a point of sale.',
          tags,
          headers: IdempotentV10Headers,
          body: CreatePosRequest,
          response: { 200: CreatePosResponse, ...errorResponses(ErrorResponse, [400, 401, 403, 409, 500]) },
        },
      },
      (request) =>
        createIdempotently(idempotency, request, (trx) => pointsOfSale.create(trx, request.caller, request.body)),
    );

    app.get(
      '/pointofsales',
      {
        schema: {
          operationId: 'GetPosWithFilter',
          summary: 'Gets a list of point of sale IDs corresponding to the given filters.',
          tags,
          headers: V10Headers,
          querystring: PosFilterQuery,
          response: { 200: PosIdsResponse, ...errorResponses(ErrorResponse, [400, 401, 403, 500]) },
        },
      },
      async (request) => ({
        posIds: await pointsOfSale.list(request.caller, {
          storeId: orUndefined(request.query.storeId),
          beaconId: orUndefined(request.query.beaconId),
          merchantPosId: orUndefined(request.query.merchantPosId),
        }),
      }),
    );

    app.get(
      '/pointofsales/:posid',
      {
        schema: {
          operationId: 'GetPos',
          summary: 'Gets a single point of sale by its ID.',
          tags,
          headers: V10Headers,
          params: PosIdParams,
          response: { 200: PosResponse, ...errorResponses(ErrorResponse, [400, 401, 403, 404, 500]) },
        },
      },
      async (request) => pointsOfSale.get(request.caller, request.params.posid),
    );

    app.delete(
      '/pointofsales/:posid',
      {
        schema: {
          operationId: 'DeletePos',
          summary: 'Deletes a point of sale.',
          tags,
          headers: V10Headers,
          params: PosIdParams,
          response: { 200: EmptyResponse, ...errorResponses(ErrorResponse, [400, 401, 403, 404, 500]) },
        },
      },
      async (request, reply) => {
        await pointsOfSale.delete(request.caller, request.params.posid);
        return reply.code(200).send();
      },
    );

    app.get(
      '/pointofsales/:posid/checkin',
      {
        schema: {
          operationId: 'GetCheckIn',
          summary: 'Looks up information about the user currently checked in at a point of sale.',
          tags,
          headers: V10Headers,
          params: PosIdParams,
          response: { 200: GetCheckInResponse, ...errorResponses(ErrorResponse, [400, 401, 403, 404, 500]) },
        },
      },
      async (request) => {
        const pos = await pointsOfSale.loadOwned(request.caller, request.params.posid, 'queryPos');
        const customer = await customerSide.checkedInOn(pos);
        return customer ? { isUserCheckedIn: true, ...customer, pollDelayInMs: pollDelayMs } : { isUserCheckedIn: false, pollDelayInMs: pollDelayMs };
      },
    );
  };
