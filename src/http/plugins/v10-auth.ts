import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { merchantLinkRefusal } from '../../domain/access-guard.js';
import type { ErrorName } from '../../domain/errors.js';
import { isClientSystemVersion, isVatNumber } from '../../domain/ids.js';
import { isValidText } from '../../domain/valid-chars.js';
import type { AccessSnapshot } from '../../services/access.js';
import type { Caller } from '../../services/caller.js';
import type { TokenClaims, TokenService } from '../../services/tokens.js';
import { bearerToken } from './bearer-token.js';
import { sendError } from './error-handler.js';

const SYSTEM_VERSION = 'x-mobilepay-client-system-version';
const MERCHANT_VAT = 'x-mobilepay-merchant-vat-number';
const SYSTEM_NAME = 'x-mobilepay-client-system-name';
const IDEMPOTENCY_KEY = 'x-mobilepay-idempotency-key';
const CHECKED = [SYSTEM_VERSION, MERCHANT_VAT, SYSTEM_NAME, IDEMPOTENCY_KEY] as const;
type CheckedHeader = (typeof CHECKED)[number];

/** How many raw lines each checked header came in; undefined when none came twice. */
type HeaderCounts = Record<CheckedHeader, number> | undefined;

/** A joined value holds ", "; a runtime that keeps repeated lines apart gives an array. */
const mayBeRepeated = (value: string | string[] | undefined) => value !== undefined && (Array.isArray(value) || value.includes(','));

/**
 * A header "sent twice" is two raw header lines; Node joins them into one value, so they are counted on
 * the raw list. Only the four v10 headers are counted, and only when one of them holds a comma: Node joins
 * repeated lines of these headers with ", ", so without a comma none came twice (reading the raw list was the
 * costliest part of these checks on every call).
 */
function rawHeaderCounts(request: FastifyRequest): HeaderCounts {
  if (!CHECKED.some((name) => mayBeRepeated(request.headers[name]))) return undefined;
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

const repeated = (counts: HeaderCounts, name: CheckedHeader) => counts !== undefined && counts[name] > 1;

const header = (request: FastifyRequest, name: string): string | undefined => {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

type Check = { ok: true; caller: Caller } | { ok: false; error: ErrorName };

/** The header values a caller is made of. */
interface CallerHeaders {
  systemVersion: string | undefined;
  vatHeader: string | undefined;
  systemName: string | undefined;
}

/**
 * The caller last admitted with a token's claims, and the header values it came with. A client sends the same
 * headers with every call: when they are the same again, the checks would pass again and make the same caller.
 */
const admittedBefore = new WeakMap<TokenClaims, CallerHeaders & { caller: Caller }>();

/**
 * The header rules of SPEC §2.1 after the token, in order: system version, merchant VAT, system name, idempotency
 * key; then whether the caller's integrator is linked to the merchant (SPEC §7), decided from memory on every
 * call, since a link may go while the caller is reused.
 */
function checkHeaders(request: FastifyRequest, claims: TokenClaims, access: AccessSnapshot): Check {
  const counts = rawHeaderCounts(request);
  const sent: CallerHeaders = {
    systemVersion: header(request, SYSTEM_VERSION),
    vatHeader: header(request, MERCHANT_VAT),
    systemName: header(request, SYSTEM_NAME),
  };
  const before = counts ? undefined : admittedBefore.get(claims);
  let result: Check;
  if (before && before.systemVersion === sent.systemVersion && before.vatHeader === sent.vatHeader && before.systemName === sent.systemName) {
    result = { ok: true, caller: before.caller };
  } else {
    result = checkCaller(claims, sent, counts);
    if (result.ok && !counts) admittedBefore.set(claims, { ...sent, caller: result.caller });
  }
  if (!result.ok) return result;

  // Only creating POSTs are idempotent routes; reading a route's config builds an object (routeOptions).
  if (request.method === 'POST' && request.routeOptions.config.idempotent) {
    if (repeated(counts, IDEMPOTENCY_KEY)) return { ok: false, error: 'IDEMPOTENCY_KEY_DUPLICATED' };
    const key = header(request, IDEMPOTENCY_KEY);
    if (key === undefined) return { ok: false, error: 'IDEMPOTENCY_KEY_MISSING' };
    if (!isValidText(key)) return { ok: false, error: 'IDEMPOTENCY_KEY_INVALID' };
  }
  const notLinked = merchantLinkRefusal(access, claims.integratorId, result.caller.merchantVat);
  if (notLinked) return { ok: false, error: notLinked };
  return result;
}

function checkCaller(claims: TokenClaims, { systemVersion, vatHeader, systemName }: CallerHeaders, counts: HeaderCounts): Check {
  if (repeated(counts, SYSTEM_VERSION)) return { ok: false, error: 'SYSTEM_VERSION_HEADER_DUPLICATED' };
  if (systemVersion === undefined) return { ok: false, error: 'SYSTEM_VERSION_HEADER_MISSING' };
  if (!isClientSystemVersion(systemVersion)) return { ok: false, error: 'SYSTEM_VERSION_HEADER_INVALID' };

  if (claims.merchantVat !== undefined && !isVatNumber(claims.merchantVat)) return { ok: false, error: 'TOKEN_MERCHANT_VAT_INVALID' };
  if (repeated(counts, MERCHANT_VAT)) return { ok: false, error: 'VAT_HEADER_DUPLICATED' };
  if (vatHeader !== undefined && !isVatNumber(vatHeader)) return { ok: false, error: 'VAT_HEADER_INVALID' };
  if (vatHeader !== undefined && claims.merchantVat !== undefined && vatHeader !== claims.merchantVat) {
    return { ok: false, error: 'VAT_HEADER_INVALID' };
  }
  const merchantVat = claims.merchantVat ?? vatHeader;
  if (merchantVat === undefined) return { ok: false, error: 'VAT_HEADER_MISSING' };

  if (repeated(counts, SYSTEM_NAME)) return { ok: false, error: 'SYSTEM_NAME_HEADER_DUPLICATED' };
  if (systemName !== undefined && !isValidText(systemName)) return { ok: false, error: 'SYSTEM_NAME_HEADER_INVALID' };

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
export function requireIntegratorCall(scope: FastifyInstance, tokens: TokenService, access: AccessSnapshot): void {
  scope.decorateRequest('caller', null as unknown as Caller);
  const admit = (request: FastifyRequest, reply: FastifyReply, claims: TokenClaims | null, done: HookHandlerDoneFunction) => {
    const result = claims ? checkHeaders(request, claims, access) : ({ ok: false, error: 'UNAUTHORIZED' } as const);
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
export const idempotencyKeyOf = (request: FastifyRequest): string => header(request, IDEMPOTENCY_KEY)!;

/** The OpenAPI security scheme of the /pos/v10 calls: OAuth 2.0 client credentials at our token endpoint. */
export const V10_SECURITY_SCHEME = 'integratorToken';

/**
 * Marks every route of the scope as needing that scheme in the OpenAPI document, so the docs' Authorize fetches
 * a token and "Try it" sends it (Swagger UI never sends a header parameter named Authorization itself).
 */
export function documentV10Security(scope: FastifyInstance): void {
  scope.addHook('onRoute', (route) => {
    route.schema = { ...route.schema, security: [{ [V10_SECURITY_SCHEME]: [] }] };
  });
}
