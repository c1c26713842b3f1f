import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { DomainError } from '../../domain/errors.js';

/** The charset parameter of a Content-Type header, lower-cased; undefined when there is none. */
const CHARSET = /;\s*charset\s*=\s*"?([^";\s]*)/i;
const UTF8 = new Set(['utf-8', 'utf8']);

/**
 * The media types that carry a JSON body (SPEC §2): application/json and text/json by name, application/*+json
 * (application/json-patch+json among them) by this pattern. Fastify tests it against the normalized header
 * (`type/subtype; name="value"`), so a parameter may follow.
 */
const STRUCTURED_JSON = /^application\/[^;\s]+\+json(?:;|$)/;

function charsetAccepted(request: FastifyRequest): boolean {
  const charset = CHARSET.exec(request.headers['content-type'] ?? '')?.[1];
  return charset === undefined || UTF8.has(charset.toLowerCase());
}

/**
 * v10 clients send JSON as application/json, text/json, application/*+json or application/json-patch+json
 * (the contract lists all four), with parameters as they please (okhttp appends `; charset=utf-8` to every
 * type); only a charset other than UTF-8 is refused. The token endpoint takes an OAuth form body.
 *
 * An empty body is no body (SPEC §2.7): curl and PHP clients send `Content-Type: application/json` on every
 * call, with `Content-Length: 0` or an empty chunked body on a delete or a cancel. The call then goes on as if
 * no Content-Type had been sent, and a route that needs a body refuses it as a missing one.
 */
export const contentTypes = fp(
  async (app: FastifyInstance) => {
    const parseJson = app.getDefaultJsonParser('error', 'error');
    const json = (request: FastifyRequest, body: string | Buffer, done: (error: Error | null, body?: unknown) => void) => {
      if (body.length === 0) return done(null, undefined); // no body, so no charset to refuse
      if (!charsetAccepted(request)) return done(new DomainError('UNSUPPORTED_CHARSET'));
      parseJson(request, body as string, done);
    };
    for (const type of ['application/json', 'text/json', STRUCTURED_JSON]) {
      app.addContentTypeParser(type, { parseAs: 'string' }, json);
    }
    app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body as string)));
    });
  },
  { name: 'content-types' },
);
