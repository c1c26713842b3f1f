import type { Static } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type { Platform } from '../../platform.js';
import { OAuthError, TOKEN_SCOPE } from '../../services/tokens.js';
import { OAuthErrorResponse, TokenRequest, TokenResponse } from '../schemas/authentication.js';

const tags = ['Integrator Authentication'];

/** Client credentials from HTTP Basic (RFC 6749 §2.3.1: each part form-urlencoded) or from the form body. */
function clientCredentials(request: FastifyRequest, body: Static<typeof TokenRequest>): { id: string; secret: string } | null {
  const authorization = request.headers.authorization;
  if (authorization?.startsWith('Basic ')) {
    const decoded = Buffer.from(authorization.slice(6).trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return null;
    try {
      const decode = (s: string) => decodeURIComponent(s.replace(/\+/g, ' '));
      return { id: decode(decoded.slice(0, colon)), secret: decode(decoded.slice(colon + 1)) };
    } catch {
      return null;
    }
  }
  const { client_id: id, client_secret: secret } = body;
  return id && secret ? { id, secret } : null;
}

export type IntegratorAuthenticationRouteDeps = Pick<Platform, 'tokens' | 'issuer'>;

/** OAuth 2.0 client credentials and OpenID Connect discovery, where v10 clients looked for them. */
export const integratorAuthenticationRoutes =
  ({ tokens, issuer }: IntegratorAuthenticationRouteDeps): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.post(
      '/connect/token',
      {
        schema: {
          operationId: 'IssueToken',
          summary: 'Issues an access token (OAuth 2.0 client credentials grant).',
          description:
            'Credentials by HTTP Basic or as client_id and client_secret in the form body. An optional merchant_vat binds the token to one merchant (one the integrator is linked to). Repeated failures for one client id are answered 429 with Retry-After for a while.',
          tags,
          consumes: ['application/x-www-form-urlencoded'],
          body: TokenRequest,
          response: { 200: TokenResponse, 400: OAuthErrorResponse, 401: OAuthErrorResponse, 429: OAuthErrorResponse },
        },
      },
      async (request, reply) => {
        reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
        try {
          if (request.body?.grant_type !== 'client_credentials') {
            throw new OAuthError('unsupported_grant_type', 400, 'grant_type must be client_credentials');
          }
          const credentials = clientCredentials(request, request.body);
          if (!credentials) throw new OAuthError('invalid_client', 401, 'client credentials are missing');
          const merchantVat = request.body.merchant_vat || undefined;
          return await tokens.issue(credentials.id, credentials.secret, merchantVat);
        } catch (error) {
          if (!(error instanceof OAuthError)) throw error;
          if (error.status === 401) reply.header('www-authenticate', 'Basic realm="integrator-authentication"');
          if (error.retryAfterSeconds !== undefined) reply.header('retry-after', String(error.retryAfterSeconds));
          return reply.code(error.status).send({ error: error.error, error_description: error.message });
        }
      },
    );

    app.get(
      '/.well-known/openid-configuration',
      { schema: { operationId: 'OpenIdConfiguration', summary: 'OpenID Connect discovery document.', tags } },
      async () => ({
        issuer,
        jwks_uri: `${issuer}/.well-known/openid-configuration/jwks`,
        token_endpoint: `${issuer}/connect/token`,
        grant_types_supported: ['client_credentials'],
        token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
        scopes_supported: [TOKEN_SCOPE],
        claims_supported: ['client_id', 'integrator_id', 'merchant_vat', 'scope', 'iss', 'sub', 'exp', 'iat', 'nbf', 'jti'],
        response_types_supported: ['token'],
        id_token_signing_alg_values_supported: ['RS256'],
        subject_types_supported: ['public'],
      }),
    );

    app.get(
      '/.well-known/openid-configuration/jwks',
      { schema: { operationId: 'Jwks', summary: 'The public keys that verify access tokens.', tags } },
      async () => tokens.jwks(),
    );
  };
