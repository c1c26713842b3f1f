import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { DomainError, ERRORS, type ErrorName } from '../../domain/errors.js';

/** The one writer of error bodies: `{ code, message, correlationId }`, plus `origin` where the route asks. */
export function sendError(request: FastifyRequest, reply: FastifyReply, name: ErrorName, message?: string): FastifyReply {
  const entry = ERRORS[name];
  return sendErrorBody(request, reply, entry.status, entry.code, message ?? entry.message);
}

function sendErrorBody(request: FastifyRequest, reply: FastifyReply, status: number, code: string | null, message: string) {
  return reply.code(status).type(ERROR_TYPE).send(errorBody(request, code, message));
}

const ERROR_TYPE = 'application/json; charset=utf-8';

/** The body of an error answer; its v10 code is kept on the request for the request log. */
function errorBody(request: FastifyRequest, code: string | null, message: string) {
  request.v10Code = code;
  const origin = request.routeOptions.config?.errorOrigin;
  return { code, message, correlationId: request.id, ...(origin ? { origin } : {}) };
}

/**
 * Turns an answer being sent (in an onSend hook) into the error `name`: its status, type and serialized body,
 * which replaces the payload.
 */
export function replaceWithError(request: FastifyRequest, reply: FastifyReply, name: ErrorName): string {
  const entry = ERRORS[name];
  reply.code(entry.status).type(ERROR_TYPE);
  return JSON.stringify(errorBody(request, entry.code, entry.message));
}

/**
 * Fastify's own refusals, by code (SPEC §2.7: no framework message reaches a client). Each keeps the status
 * Fastify gives it, which names the problem (413, 415 …), with the v10 fallback code 1099 and our words.
 */
const FRAMEWORK_ERRORS: Record<string, ErrorName> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'MALFORMED_JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'BODY_MISSING',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_CONTENT_TYPE',
  FST_ERR_CTP_BODY_TOO_LARGE: 'BODY_TOO_LARGE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'BODY_LENGTH_MISMATCH',
  FST_ERR_ROUTE_MISSING_CONTENT_TYPE: 'UNSUPPORTED_CONTENT_TYPE',
  FST_ERR_BAD_URL: 'INVALID_URL',
  FST_ERR_MAX_PARAM_LENGTH: 'INVALID_URL',
};

/** What a value failed, in our words; ajv's keyword says which rule it broke. */
function validationMessage(error: FastifyError, request: FastifyRequest): string {
  const where = error.validationContext ?? 'request';
  const first = error.validation![0];
  if (where === 'body' && request.body === undefined) return ERRORS.BODY_MISSING.message;
  const field = first?.instancePath ? `${where}${first.instancePath.replace(/\//g, '.')}` : where;
  const params = (first?.params ?? {}) as Record<string, unknown>;
  switch (first?.keyword) {
    case 'required':
      return `Invalid ${field}: ${String(params.missingProperty)} is missing.`;
    case 'type':
      return `Invalid ${field}: it must be ${params.type === 'object' || params.type === 'array' ? 'an' : 'a'} ${String(params.type)}.`;
    case 'enum':
      return `Invalid ${field}: it must be one of ${(params.allowedValues as unknown[]).join(', ')}.`;
    case 'format':
      return `Invalid ${field}: it must be a ${params.format === 'uuid' ? 'GUID' : String(params.format)}.`;
    default:
      return `Invalid ${field}: it does not match the contract.`;
  }
}

/** A 4xx that is not ours (a validation failure, one of Fastify's refusals): its status and our message. */
function frameworkClientError(error: FastifyError, request: FastifyRequest): { status: number; message: string } | null {
  if (error.validation) return { status: 400, message: validationMessage(error, request) };
  const status = error.statusCode ?? 500;
  if (status < 400 || status >= 500) return null;
  const ours = FRAMEWORK_ERRORS[error.code];
  return { status, message: ours ? ERRORS[ours].message : ERRORS.BAD_REQUEST.message };
}

/**
 * Errors the router raises before any route or hook runs (a malformed URL, an over-long path parameter).
 * The message stays generic: the URL may be huge or hostile.
 */
export function sendFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 400;
  reply.header('x-correlation-id', request.id);
  void sendErrorBody(request, reply, status, ERRORS.INVALID_URL.code, ERRORS.INVALID_URL.message);
}

/** Node's own refusals, raised before there is a request to answer through Fastify. */
const NODE_ERRORS: Record<string, ErrorName> = {
  ERR_HTTP_REQUEST_TIMEOUT: 'REQUEST_TIMEOUT',
  HPE_HEADER_OVERFLOW: 'HEADERS_TOO_LARGE',
};

/**
 * The server's `clientError` handler: a request Node itself refuses (a malformed request line or header, headers
 * too large, a request not complete within the request timeout) is answered with a v10 error body written on the
 * socket, which is then closed. A connection already answering (a refusal sent before its body was read) is
 * only closed: another answer would corrupt it.
 */
export function answerClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const answering = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent === true;
  if (socket.writable && !answering) {
    const { status, code, message } = ERRORS[NODE_ERRORS[error.code ?? ''] ?? 'MALFORMED_REQUEST'];
    const correlationId = randomUUID();
    const body = JSON.stringify({ code, message, correlationId });
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nx-correlation-id: ${correlationId}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}

export const errorHandler = fp(
  async (app: FastifyInstance) => {
    // The request log reads it from the request rather than parse the body it was written into.
    app.decorateRequest('v10Code', null);
    app.setErrorHandler((error: FastifyError, request, reply) => {
      if (error instanceof DomainError) {
        return sendErrorBody(request, reply, error.status, error.code, error.message);
      }
      // A path id that is not a GUID names no resource: 404, as for an unknown GUID.
      if (error.validation && error.validationContext === 'params') {
        return sendError(request, reply, 'NOT_FOUND');
      }
      // An amount that is not a number is an invalid amount (SPEC §2.2 lists "not a number" under 1102).
      if (error.validation && error.validationContext === 'body' && error.validation[0]?.instancePath === '/amount') {
        return sendError(request, reply, 'INVALID_AMOUNT');
      }
      const clientError = frameworkClientError(error, request);
      if (clientError) {
        return sendErrorBody(request, reply, clientError.status, ERRORS.BAD_REQUEST.code, clientError.message);
      }
      request.log.error({ err: error }, 'request failed');
      return sendError(request, reply, 'INTERNAL');
    });

    app.setNotFoundHandler((request, reply) => sendError(request, reply, 'NOT_FOUND', `No route ${request.method} ${request.url.split('?')[0]}.`));
  },
  { name: 'error-handler' },
);
