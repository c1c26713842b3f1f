import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Platform } from '../../../platform.js';
import { ErrorResponse, V10Headers, errorResponses } from '../../schemas/common.js';
import { StoreFilterQuery, StoreIdParams, StoreIdsResponse, StoreResponse } from '../../schemas/stores.js';

const tags = ['Stores'];
const orUndefined = <T>(value: T | null | undefined): T | undefined => value ?? undefined;

export type StoreRouteDeps = Pick<Platform, 'stores'>;

export const storeRoutes =
  ({ stores }: StoreRouteDeps): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.get(
      '/stores',
      {
        schema: {
          operationId: 'GetStores',
          summary: 'Gets a list of store IDs corresponding to the given filters.',
          tags,
          headers: V10Headers,
          querystring: StoreFilterQuery,
          response: { 200: StoreIdsResponse, ...errorResponses(ErrorResponse, [400, 401, 403, 500]) },
        },
      },
      async (request) => {
        const found = await stores.list(request.caller, {
          merchantBrandId: orUndefined(request.query.merchantBrandId),
          merchantLocationId: orUndefined(request.query.merchantLocationId),
        });
        return { storeIds: found.map((s) => s.storeId) };
      },
    );

    app.get(
      '/stores/detailed',
      {
        schema: {
          operationId: 'GetDetailedStores',
          summary: 'Gets the stores corresponding to the given filters.',
          tags,
          headers: V10Headers,
          querystring: StoreFilterQuery,
          response: { 200: Type.Array(StoreResponse), ...errorResponses(ErrorResponse, [400, 401, 403, 500]) },
        },
      },
      async (request) =>
        stores.list(request.caller, {
          merchantBrandId: orUndefined(request.query.merchantBrandId),
          merchantLocationId: orUndefined(request.query.merchantLocationId),
        }),
    );

    app.get(
      '/stores/:storeid',
      {
        schema: {
          operationId: 'GetStore',
          summary: 'Gets a store by its ID.',
          tags,
          headers: V10Headers,
          params: StoreIdParams,
          response: { 200: StoreResponse, ...errorResponses(ErrorResponse, [400, 401, 403, 404, 500]) },
        },
      },
      async (request) => stores.get(request.caller, request.params.storeid),
    );
  };
