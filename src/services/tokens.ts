import { randomUUID } from 'node:crypto';
import {
  SignJWT,
  exportJWK,
  generateKeyPair,
  importJWK,
  jwtVerify,
  type CryptoKey,
  type JWK,
  type JWTHeaderParameters,
} from 'jose';
import type { Clock } from '../clock.js';
import { isClientId, isVatNumber } from '../domain/ids.js';
import type { Db } from '../store/database.js';
import { integratorsRepository } from '../store/repositories/integrators.js';
import { signingKeysRepository } from '../store/repositories/signing-keys.js';
import { tokenFailuresRepository } from '../store/repositories/token-failures.js';
import { AccessSnapshot } from './access.js';
import { UNKNOWN_CLIENT_HASH, verifySecret } from './secrets.js';

export const TOKEN_SCOPE = 'integrator_scope';
const ALG = 'RS256';
/** Verified tokens kept in memory; an RS256 verify costs ~85 µs, a cache hit well under 1 µs. */
const VERIFIED_CACHE_SIZE = 50_000;
/**
 * The verified cache is keyed by the token's last characters (its signature's, unique per token) and the whole
 * token is compared on a hit: a Map key is hashed on every lookup, and an access token is ~800 characters.
 */
const CACHE_KEY_LENGTH = 32;
const cacheKeyOf = (token: string) => token.slice(-CACHE_KEY_LENGTH);

interface VerifiedToken {
  token: string;
  claims: TokenClaims;
}
/** At most one reload of the key set a second, however many tokens with unknown key ids arrive. */
const KEY_RELOAD_INTERVAL_MS = 1000;

/**
 * Guessing resistance (SPEC §7, our numbers): FAILURE_LIMIT failed requests for one client id within
 * FAILURE_WINDOW_MS block that id for BLOCK_MS. Counted per client id, never per address: many tills share
 * one address behind a shop's router.
 */
export const FAILURE_LIMIT = 10;
export const FAILURE_WINDOW_MS = 5 * 60_000;
export const BLOCK_MS = 5 * 60_000;

export interface TokenClaims {
  clientId: string;
  integratorId: string;
  /** As signed: may be malformed if the token was minted elsewhere; the caller checks it (1182). */
  merchantVat?: string;
  /** Expiry, epoch milliseconds (wall time). */
  expiresAt: number;
}

export interface TokenResponse {
  access_token: string;
  expires_in: number;
  token_type: 'Bearer';
  scope: typeof TOKEN_SCOPE;
}

/** OAuth 2.0 error of the token endpoint (RFC 6749 §5.2). */
export class OAuthError extends Error {
  constructor(
    readonly error: 'invalid_client' | 'invalid_request' | 'unsupported_grant_type' | 'temporarily_unavailable',
    readonly status: 400 | 401 | 429,
    description: string,
    /** With a 429: when to try again, whole seconds (the Retry-After header). */
    readonly retryAfterSeconds?: number,
  ) {
    super(description);
  }
}

export interface TokenServiceOptions {
  issuer: string;
  lifetimeSeconds: number;
  /** The disabled clients; a service that only rotates keys (the CLI) may go without. */
  access?: AccessSnapshot;
  /** Checks a secret against a stored hash; a test counts the work through it. */
  verifySecret?: (secret: string, stored: string) => Promise<boolean>;
}

interface VerifyingKey {
  kid: string;
  key: CryptoKey | Uint8Array;
}

/**
 * Integrator authentication: RS256 access tokens for OAuth clients, the public keys as a JWKS, and key
 * rotation. Keys live in the database, so every platform process signs with the active key and verifies
 * with every key whose tokens may still be unexpired (a rotated-out key stays until then).
 */
export class TokenService {
  readonly #verified = new Map<string, VerifiedToken>();
  #keys = new Map<string, VerifyingKey>();
  #keysLoadedAt = -Infinity;
  /** The reload under way, shared by every verify that waits for it (a burst of first calls loads once). */
  #reloading: Promise<void> | null = null;
  readonly #access: AccessSnapshot;
  readonly #verifySecret: NonNullable<TokenServiceOptions['verifySecret']>;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    readonly options: TokenServiceOptions,
  ) {
    this.#access = options.access ?? new AccessSnapshot(db);
    this.#verifySecret = options.verifySecret ?? verifySecret;
  }

  /** Makes sure a signing key exists (first start). */
  async ensureSigningKey(): Promise<void> {
    if (!(await signingKeysRepository.findActive(this.db))) await this.rotate();
  }

  /** Makes a new signing key the active one; tokens signed by the old key stay valid until they expire. */
  async rotate(): Promise<string> {
    const { privateKey, publicKey } = await generateKeyPair(ALG, { extractable: true, modulusLength: 2048 });
    const kid = randomUUID();
    const now = this.clock.wallNow();
    const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: ALG, use: 'sig' };
    const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: ALG };
    await this.db.transaction().execute((trx) => signingKeysRepository.rotateTo(trx, { kid, privateJwk, publicJwk, createdAt: now, retiredAt: null }));
    this.#keysLoadedAt = -Infinity;
    return kid;
  }

  /**
   * The client-credentials grant. A client id blocked after repeated failures is refused before its secret is
   * looked at; an unknown id is checked against a hash no secret matches, so it takes as long to refuse as a
   * wrong secret and its failures are counted the same way (neither the time nor a 429 tells which ids exist).
   */
  async issue(clientId: string, clientSecret: string, merchantVat?: string): Promise<TokenResponse> {
    if (merchantVat !== undefined && !isVatNumber(merchantVat)) {
      throw new OAuthError('invalid_request', 400, 'merchant_vat must be DK or FI followed by 8 digits');
    }
    // An id no client can have is not looked up nor counted: PostgreSQL refuses some text outright (a NUL byte).
    const possible = isClientId(clientId);
    const now = this.clock.wallNow();
    if (possible) await this.#refuseWhileBlocked(clientId, now);
    const client = possible ? await integratorsRepository.findClient(this.db, clientId) : undefined;
    const secretMatches = await this.#verifySecret(clientSecret, client?.secretHash ?? UNKNOWN_CLIENT_HASH);
    if (!client || !secretMatches) {
      if (possible) await this.#countFailure(clientId, now);
      throw new OAuthError('invalid_client', 401, 'unknown client or wrong secret');
    }
    if (client.disabledAt !== null) throw new OAuthError('invalid_client', 401, 'the client is disabled');
    if (merchantVat !== undefined && !(await integratorsRepository.isLinked(this.db, client.integratorId, merchantVat))) {
      throw new OAuthError('invalid_request', 400, "merchant_vat names a merchant the client's integrator is not linked to");
    }
    // Read per issue (tokens are requested rarely) so a rotation by another process takes effect at once.
    const signing = await signingKeysRepository.findActive(this.db);
    if (!signing) throw new Error('no signing key: ensureSigningKey() was not called at start');
    const key = await importJWK(signing.privateJwk, ALG);
    const nowSeconds = Math.floor(this.clock.wallNow() / 1000);
    const token = await new SignJWT({
      client_id: clientId,
      integrator_id: client.integratorId,
      scope: TOKEN_SCOPE,
      ...(merchantVat ? { merchant_vat: merchantVat } : {}),
    })
      .setProtectedHeader({ alg: ALG, kid: signing.kid, typ: 'at+jwt' })
      .setIssuer(this.options.issuer)
      .setSubject(clientId)
      .setIssuedAt(nowSeconds)
      .setNotBefore(nowSeconds)
      .setExpirationTime(nowSeconds + this.options.lifetimeSeconds)
      .setJti(randomUUID())
      .sign(key);
    return { access_token: token, expires_in: this.options.lifetimeSeconds, token_type: 'Bearer', scope: TOKEN_SCOPE };
  }

  async #refuseWhileBlocked(clientId: string, now: number): Promise<void> {
    const blockedUntil = await tokenFailuresRepository.blockedUntil(this.db, clientId);
    if (blockedUntil !== null && blockedUntil > now) {
      const seconds = Math.ceil((blockedUntil - now) / 1000);
      throw new OAuthError('temporarily_unavailable', 429, `too many failed requests for this client id: retry after ${seconds} s`, seconds);
    }
  }

  async #countFailure(clientId: string, now: number): Promise<void> {
    const failures = await tokenFailuresRepository.count(this.db, clientId, now, now - FAILURE_WINDOW_MS);
    if (failures >= FAILURE_LIMIT) await tokenFailuresRepository.block(this.db, clientId, FAILURE_LIMIT, now + BLOCK_MS);
  }

  /** Forgets the failures of client ids whose window and block are over (housekeeping). */
  purgeFailures(): Promise<void> {
    const now = this.clock.wallNow();
    return tokenFailuresRepository.purge(this.db, now - FAILURE_WINDOW_MS, now);
  }

  /**
   * The claims of a token verified before, without waiting: null when it has expired since, undefined when it
   * was never verified here (then `verify` must), null too while its client is disabled (a Set lookup on every
   * hit, so a disable applies at once). Every call after a client's first takes this path.
   */
  verifiedBefore(token: string): TokenClaims | null | undefined {
    const key = cacheKeyOf(token);
    const cached = this.#verified.get(key);
    if (!cached || cached.token !== token) return undefined;
    if (this.#access.isDisabled(cached.claims.clientId)) return null;
    if (cached.claims.expiresAt > this.clock.wallNow()) return cached.claims;
    this.#verified.delete(key);
    return null;
  }

  /** The claims of a valid, unexpired token of ours, or null. */
  async verify(token: string): Promise<TokenClaims | null> {
    const before = this.verifiedBefore(token);
    if (before !== undefined) return before;
    const now = this.clock.wallNow();
    let claims: TokenClaims;
    try {
      const { payload } = await jwtVerify(token, (header) => this.#keyFor(header), {
        algorithms: [ALG],
        issuer: this.options.issuer,
        currentDate: new Date(now),
        requiredClaims: ['exp', 'client_id', 'integrator_id'],
      });
      if (payload.scope !== TOKEN_SCOPE || typeof payload.client_id !== 'string' || typeof payload.integrator_id !== 'string') {
        return null;
      }
      claims = {
        clientId: payload.client_id,
        integratorId: payload.integrator_id,
        merchantVat: payload.merchant_vat === undefined ? undefined : String(payload.merchant_vat),
        expiresAt: (payload.exp as number) * 1000,
      };
    } catch {
      return null;
    }
    if (this.#verified.size >= VERIFIED_CACHE_SIZE) {
      this.#verified.delete(this.#verified.keys().next().value as string);
    }
    this.#verified.set(cacheKeyOf(token), { token, claims });
    return this.#access.isDisabled(claims.clientId) ? null : claims;
  }

  /** The public keys that may verify unexpired tokens, as a JWK Set. */
  async jwks(): Promise<{ keys: JWK[] }> {
    const keys = await signingKeysRepository.listVerifying(this.db, this.#oldestUsefulRetirement());
    return { keys: keys.map((k) => k.publicJwk) };
  }

  #oldestUsefulRetirement(): number {
    return this.clock.wallNow() - this.options.lifetimeSeconds * 1000;
  }

  async #keyFor(header: JWTHeaderParameters): Promise<CryptoKey | Uint8Array> {
    const kid = header.kid ?? '';
    let found = this.#keys.get(kid);
    if (!found) {
      if (!this.#reloading && this.clock.wallNow() - this.#keysLoadedAt >= KEY_RELOAD_INTERVAL_MS) {
        this.#reloading = this.#reloadKeys().finally(() => (this.#reloading = null));
      }
      await this.#reloading;
      found = this.#keys.get(kid);
    }
    if (!found) throw new Error(`unknown signing key ${kid}`);
    return found.key;
  }

  async #reloadKeys(): Promise<void> {
    this.#keysLoadedAt = this.clock.wallNow();
    const rows = await signingKeysRepository.listVerifying(this.db, this.#oldestUsefulRetirement());
    const keys = new Map<string, VerifyingKey>();
    for (const row of rows) keys.set(row.kid, { kid: row.kid, key: await importJWK(row.publicJwk, ALG) });
    this.#keys = keys;
  }
}
