import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import type { Platform } from '../../../platform.js';
import { createIdempotently } from './idempotent-route.js';
import { EmptyResponse, ErrorResponse, IdempotentV10Headers, V10Headers, errorResponses } from '../../schemas/common.js';
import {
  InitiatePaymentRequest,
  PaymentCaptureRequest,
  PaymentFilterQuery,
  PaymentIdParams,
  PaymentInitiatedResponse,
  PaymentReadyRequest,
  PreparePaymentRequest,
  QueryPaymentIdsResponse,
  QueryPaymentResponse,
} from '../../schemas/payments.js';

const tags = ['Payments'];
const orUndefined = <T>(value: T | null | undefined): T | undefined => value ?? undefined;

export type PaymentRouteDeps = Pick<Platform, 'payments' | 'paymentPolls' | 'idempotency'>;

const JSON_UTF8 = 'application/json; charset=utf-8';
const sendJson = (reply: FastifyReply, text: string): void => {
  reply.type(JSON_UTF8).send(text);
};

export const paymentRoutes =
  ({ payments, paymentPolls, idempotency }: PaymentRouteDeps): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.post(
      '/payments',
      {
        config: { idempotent: true },
        schema: {
          operationId: 'InitiatePayment',
          summary: 'Initiates a new payment.',
          tags,
          headers: IdempotentV10Headers,
          body: InitiatePaymentRequest,
          response: { 200: PaymentInitiatedResponse, ...errorResponses(ErrorResponse, [400, 401, 403, 409, 500]) },
        },
      },
      (request) =>
        createIdempotently(idempotency, request, (trx) => payments.initiate(trx, request.caller, request.body)),
    );

    app.post(
      '/payments/prepare',
      {
        config: { idempotent: true },
        schema: {
          operationId: 'PreparePayment',
          summary: 'Prepares a payment whose amount is given later with ready.',
          tags,
          headers: IdempotentV10Headers,
          body: PreparePaymentRequest,
          response: { 200: PaymentInitiatedResponse, ...errorResponses(ErrorResponse, [400, 401, 403, 409, 500]) },
        },
      },
      (request) =>
        createIdempotently(idempotency, request, (trx) => payments.prepare(trx, request.caller, request.body)),
    );

    app.post(
      '/payments/:paymentid/ready',
      {
        schema: {
          operationId: 'PaymentReady',
          summary: 'Gives a prepared payment its amount, issuing it to the customer.',
          tags,
          headers: V10Headers,
          params: PaymentIdParams,
          body: PaymentReadyRequest,
          response: { 200: EmptyResponse, ...errorResponses(ErrorResponse, [400, 401, 403, 404, 409, 500]) },
        },
      },
      async (request, reply) => {
        await payments.ready(request.caller, request.params.paymentid, request.body);
        return reply.code(200).send();
      },
    );

    app.get(
      '/payments/:paymentid',
      {
        schema: {
          operationId: 'QueryPayment',
          summary: 'Gets a single payment by its ID.',
          description: 'When polling, respect the pollDelayInMs of the response.',
          tags,
          headers: V10Headers,
          params: PaymentIdParams,
          response: { 200: QueryPaymentResponse, ...errorResponses(ErrorResponse, [400, 401, 403, 404, 500]) },
        },
      },
      // Not async: a poll answered from memory is sent without a promise (services/payment-polls.ts). The answer
      // is JSON text already; Fastify sends a string with a JSON content type as it is.
      (request, reply) => {
        const answer = paymentPolls.fromMemory(request.caller, request.params.paymentid);
        if (answer === undefined) return paymentPolls.load(request.caller, request.params.paymentid).then((loaded) => sendJson(reply, loaded));
        sendJson(reply, answer);
      },
    );

    app.get(
      '/payments',
      {
        schema: {
          operationId: 'QueryPaymentIds',
          summary: 'Gets the ids of active and reserved payments, or of captured ones with state=Captured.',
          tags,
          headers: V10Headers,
          querystring: PaymentFilterQuery,
          response: { 200: QueryPaymentIdsResponse, ...errorResponses(ErrorResponse, [400, 401, 500]) },
        },
      },
      async (request) => ({
        paymentIds: await payments.list(request.caller, {
          posId: orUndefined(request.query.posId),
          orderId: orUndefined(request.query.orderId),
          state: orUndefined(request.query.state),
        }),
      }),
    );

    app.post(
      '/payments/:paymentid/capture',
      {
        schema: {
          operationId: 'CapturePayment',
          summary: 'Captures a reserved payment, fully or partially.',
          tags,
          headers: V10Headers,
          params: PaymentIdParams,
          body: PaymentCaptureRequest,
          response: { 200: EmptyResponse, ...errorResponses(ErrorResponse, [400, 401, 403, 404, 409, 500]) },
        },
      },
      async (request, reply) => {
        await payments.capture(request.caller, request.params.paymentid, request.body.amount);
        return reply.code(200).send();
      },
    );

    app.post(
      '/payments/:paymentid/cancel',
      {
        schema: {
          operationId: 'CancelPayment',
          summary: 'Cancels an active or reserved payment.',
          tags,
          headers: V10Headers,
          params: PaymentIdParams,
          response: { 200: EmptyResponse, ...errorResponses(ErrorResponse, [400, 401, 403, 404, 409, 500]) },
        },
      },
      async (request, reply) => {
        await payments.cancel(request.caller, request.params.paymentid);
        return reply.code(200).send();
      },
    );
  };
