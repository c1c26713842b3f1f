import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import type { ErrorName } from '../../domain/errors.js';
import { isClientSystemVersion, isVatNumber } from '../../domain/ids.js';
import { isValidText } from '../../domain/valid-chars.js';
import type { Caller } from '../../services/caller.js';
import type { Idempotency } from '../../services/idempotency.js';
import type { Db } from '../../store/database.js';
import type { TokenClaims, TokenService } from '../../services/tokens.js';
import { sendError } from './error-handler.js';

const SYSTEM_VERSION = 'x-mobilepay-client-system-version';
const MERCHANT_VAT = 'x-mobilepay-merchant-vat-number';
const SYSTEM_NAME = 'x-mobilepay-client-system-name';
const IDEMPOTENCY_KEY = 'x-mobilepay-idempotency-key';
const CHECKED = [SYSTEM_VERSION, MERCHANT_VAT, SYSTEM_NAME, IDEMPOTENCY_KEY] as const;
type CheckedHeader = (typeof CHECKED)[number];

/**
 * A header "sent twice" is two raw header lines; Node joins them into one value, so they are counted on
 * the raw list. Only the four v10 headers are counted.
 */
function rawHeaderCounts(request: FastifyRequest): Record<CheckedHeader, number> {
  const counts = { [SYSTEM_VERSION]: 0, [MERCHANT_VAT]: 0, [SYSTEM_NAME]: 0, [IDEMPOTENCY_KEY]: 0 };
  const raw = request.raw.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.length > 20 && (name.charCodeAt(0) | 32) === 120 /* x */) {
      const lower = name.toLowerCase() as CheckedHeader;
      if (lower in counts) counts[lower]++;
    }
  }
  return counts;
}

const header = (request: FastifyRequest, name: string): string | undefined => {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

type Check = { ok: true; caller: Caller } | { ok: false; error: ErrorName };

const bearerToken = (request: FastifyRequest): string | undefined => {
  const authorization = request.headers.authorization;
  return authorization?.startsWith('Bearer ') ? authorization.slice(7).trim() : undefined;
};

/** The header rules of SPEC §2.1 after the token, in order: system version, merchant VAT, system name, idempotency key. */
function checkHeaders(request: FastifyRequest, claims: TokenClaims): Check {
  const counts = rawHeaderCounts(request);

  if (counts[SYSTEM_VERSION] > 1) return { ok: false, error: 'SYSTEM_VERSION_HEADER_DUPLICATED' };
  const systemVersion = header(request, SYSTEM_VERSION);
  if (systemVersion === undefined) return { ok: false, error: 'SYSTEM_VERSION_HEADER_MISSING' };
  if (!isClientSystemVersion(systemVersion)) return { ok: false, error: 'SYSTEM_VERSION_HEADER_INVALID' };

  if (claims.merchantVat !== undefined && !isVatNumber(claims.merchantVat)) return { ok: false, error: 'TOKEN_MERCHANT_VAT_INVALID' };
  if (counts[MERCHANT_VAT] > 1) return { ok: false, error: 'VAT_HEADER_DUPLICATED' };
  const vatHeader = header(request, MERCHANT_VAT);
  if (vatHeader !== undefined && !isVatNumber(vatHeader)) return { ok: false, error: 'VAT_HEADER_INVALID' };
  if (vatHeader !== undefined && claims.merchantVat !== undefined && vatHeader !== claims.merchantVat) {
    return { ok: false, error: 'VAT_HEADER_INVALID' };
  }
  const merchantVat = claims.merchantVat ?? vatHeader;
  if (merchantVat === undefined) return { ok: false, error: 'VAT_HEADER_MISSING' };

  if (counts[SYSTEM_NAME] > 1) return { ok: false, error: 'SYSTEM_NAME_HEADER_DUPLICATED' };
  const systemName = header(request, SYSTEM_NAME);
  if (systemName !== undefined && !isValidText(systemName)) return { ok: false, error: 'SYSTEM_NAME_HEADER_INVALID' };

  if (request.routeOptions.config.idempotent) {
    if (counts[IDEMPOTENCY_KEY] > 1) return { ok: false, error: 'IDEMPOTENCY_KEY_DUPLICATED' };
    const key = header(request, IDEMPOTENCY_KEY);
    if (key === undefined) return { ok: false, error: 'IDEMPOTENCY_KEY_MISSING' };
    if (!isValidText(key)) return { ok: false, error: 'IDEMPOTENCY_KEY_INVALID' };
  }

  return {
    ok: true,
    caller: { clientId: claims.clientId, integratorId: claims.integratorId, merchantVat, systemVersion, systemName },
  };
}

/**
 * Authentication and the common headers of every /pos/v10 call, as an onRequest hook of the scope it is
 * registered in (so it runs before the body is even read). `x-ibm-client-id` is accepted and ignored. A token
 * verified before is checked without waiting, so the hook is synchronous on every call but a client's first.
 */
export function requireIntegratorCall(scope: FastifyInstance, tokens: TokenService): void {
  scope.decorateRequest('caller', null as unknown as Caller);
  const admit = (request: FastifyRequest, reply: FastifyReply, claims: TokenClaims | null, done: HookHandlerDoneFunction) => {
    const result = claims ? checkHeaders(request, claims) : ({ ok: false, error: 'UNAUTHORIZED' } as const);
    if (result.ok) {
      request.caller = result.caller;
      done();
    } else {
      void sendError(request, reply, result.error);
    }
  };
  scope.addHook('onRequest', (request, reply, done) => {
    const token = bearerToken(request);
    const before = token ? tokens.verifiedBefore(token) : null;
    if (before !== undefined) return admit(request, reply, before, done);
    tokens.verify(token!).then((claims) => admit(request, reply, claims, done), done);
  });
}

/** The idempotency key of a call that passed the checks above on an idempotent route. */
const idempotencyKeyOf = (request: FastifyRequest): string => header(request, IDEMPOTENCY_KEY)!;

/**
 * Runs a creating POST through the idempotency mechanism (SPEC §2.4): the key is scoped to the calling
 * integrator and the endpoint ("POST /pos/v10/payments"), and a retry answers the first call's response.
 */
export async function createIdempotently<T>(idempotency: Idempotency, request: FastifyRequest, create: (trx: Db) => Promise<T>): Promise<T> {
  const { caller } = request;
  const endpoint = `${request.method} ${request.routeOptions.url}`;
  const result = await idempotency.run({ integratorId: caller.integratorId, endpoint, key: idempotencyKeyOf(request), body: request.body }, create);
  return result.body;
}

/**
 * The sandbox's user simulation needs only a valid access token (MobilePay's sandbox asked no v10 headers
 * there): it acts as the customer, not on behalf of a merchant.
 */
export function requireAccessToken(scope: FastifyInstance, tokens: TokenService): void {
  scope.addHook('onRequest', async (request, reply) => {
    const token = bearerToken(request);
    if (!token || !(await tokens.verify(token))) return sendError(request, reply, 'UNAUTHORIZED');
  });
}
