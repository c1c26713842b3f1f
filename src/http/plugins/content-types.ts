import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/**
 * v10 clients send JSON as application/json, text/json, application/*+json or application/json-patch+json
 * (the contract lists all four); the token endpoint takes an OAuth form body.
 */
export const contentTypes = fp(
  async (app: FastifyInstance) => {
    const json = app.getDefaultJsonParser('error', 'error');
    app.addContentTypeParser('text/json', { parseAs: 'string' }, json);
    app.addContentTypeParser(/^application\/[^;]+\+json$/i, { parseAs: 'string' }, json);
    app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body as string)));
    });
  },
  { name: 'content-types' },
);
