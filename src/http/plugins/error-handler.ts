import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { DomainError, ERRORS, type ErrorName } from '../../domain/errors.js';

/** The one writer of error bodies: `{ code, message, correlationId }`, plus `origin` where the route asks. */
export function sendError(request: FastifyRequest, reply: FastifyReply, name: ErrorName, message?: string): FastifyReply {
  const entry = ERRORS[name];
  return sendErrorBody(request, reply, entry.status, entry.code, message ?? entry.message);
}

function sendErrorBody(request: FastifyRequest, reply: FastifyReply, status: number, code: string | null, message: string) {
  const origin = request.routeOptions.config?.errorOrigin;
  return reply
    .code(status)
    .type('application/json; charset=utf-8')
    .send({ code, message, correlationId: request.id, ...(origin ? { origin } : {}) });
}

/** Fastify's own 4xx errors (bad JSON, unsupported media type, body too large …) keep their status, as 1099. */
function frameworkClientError(error: FastifyError): { status: number; message: string } | null {
  if (error.validation) {
    const where = error.validationContext ?? 'request';
    const first = error.validation[0];
    const field = first?.instancePath ? `${where}${first.instancePath.replace(/\//g, '.')}` : where;
    return { status: 400, message: `Invalid ${field}: ${first?.message ?? 'does not match the contract'}.` };
  }
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) return { status, message: error.message };
  return null;
}

/**
 * Errors the router raises before any route or hook runs (a malformed URL, an over-long path parameter).
 * The message stays generic: the URL may be huge or hostile.
 */
export function sendFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 400;
  reply.header('x-correlation-id', request.id);
  void sendErrorBody(request, reply, status, ERRORS.BAD_REQUEST.code, 'The request URL is invalid.');
}

export const errorHandler = fp(
  async (app: FastifyInstance) => {
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
      const clientError = frameworkClientError(error);
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
