import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Platform } from '../../../platform.js';
import { createIdempotently } from './idempotent-route.js';
import { EmptyResponse, ErrorResponseV2, IdempotentV10Headers, V10Headers, errorResponses } from '../../schemas/common.js';
import {
  CreateRefundRequest,
  CreateRefundResponse,
  GetRefundResponse,
  QueryRefundIdsResponse,
  RefundFilterQuery,
  RefundIdParams,
} from '../../schemas/refunds.js';

const tags = ['Refunds'];
/** Every error of the refunds endpoints is the contract's ErrorResponseV2, which says where it came from. */
const config = { errorOrigin: 'PoS' };

export type RefundRouteDeps = Pick<Platform, 'refunds' | 'idempotency'>;

export const refundRoutes =
  ({ refunds, idempotency }: RefundRouteDeps): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.post(
      '/refunds',
      {
        config: { ...config, idempotent: true },
        schema: {
          operationId: 'CreateRefund',
          summary: 'Refunds a captured payment; the refunds of a payment never exceed its captured amount.',
          tags,
          headers: IdempotentV10Headers,
          body: CreateRefundRequest,
          response: { 200: CreateRefundResponse, ...errorResponses(ErrorResponseV2, [400, 401, 403, 409, 500]) },
        },
      },
      (request) =>
        createIdempotently(idempotency, request, (trx) => refunds.create(trx, request.caller, request.body)),
    );

    app.get(
      '/refunds/:refundid',
      {
        config,
        schema: {
          operationId: 'GetRefund',
          summary: 'Gets a single refund by its ID.',
          tags,
          headers: V10Headers,
          params: RefundIdParams,
          response: { 200: GetRefundResponse, ...errorResponses(ErrorResponseV2, [400, 401, 403, 404, 500]) },
        },
      },
      async (request) => refunds.get(request.caller, request.params.refundid),
    );

    app.get(
      '/refunds',
      {
        config,
        schema: {
          operationId: 'QueryRefundIds',
          summary: 'Gets the ids of the refunds of a payment.',
          tags,
          headers: V10Headers,
          querystring: RefundFilterQuery,
          response: { 200: QueryRefundIdsResponse, ...errorResponses(ErrorResponseV2, [400, 401, 500]) },
        },
      },
      async (request) => ({ refundIds: await refunds.list(request.caller, request.query.paymentId ?? undefined) }),
    );

    app.post(
      '/refunds/:refundid/capture',
      {
        config,
        schema: {
          operationId: 'CaptureRefund',
          summary: 'Captures a reserved refund.',
          tags,
          headers: V10Headers,
          params: RefundIdParams,
          response: { 200: EmptyResponse, ...errorResponses(ErrorResponseV2, [400, 401, 403, 404, 409, 500]) },
        },
      },
      async (request, reply) => {
        await refunds.capture(request.caller, request.params.refundid);
        return reply.code(200).send();
      },
    );

    app.post(
      '/refunds/:refundid/cancel',
      {
        config,
        schema: {
          operationId: 'CancelRefund',
          summary: 'Cancels a refund that is not captured yet.',
          tags,
          headers: V10Headers,
          params: RefundIdParams,
          response: { 200: EmptyResponse, ...errorResponses(ErrorResponseV2, [400, 401, 403, 404, 409, 500]) },
        },
      },
      async (request, reply) => {
        await refunds.cancel(request.caller, request.params.refundid);
        return reply.code(200).send();
      },
    );
  };
