import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions, type LookupOneOptions } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { nonPublicRule } from '../domain/network-addresses.js';

/** A callback address the rule refuses; its message says which rule. */
export class RefusedAddressError extends Error {
  override name = 'RefusedAddressError';
}

const PUBLIC_ONLY = 'production mode delivers only to public addresses';

/**
 * Where the platform may POST a check-in notification (SPEC §6). MobilePay called only HTTPS endpoints it had
 * whitelisted. In production mode (`sandbox` false) a callback URL must be https:// and its host must be a
 * public address: the rule is applied when an operator registers the URL and again on every connection, inside
 * the connection's own DNS lookup, because a name can resolve elsewhere later. The sandbox also allows plain
 * http:// on loopback, and delivers wherever the URL points (tests and integrators run receivers on their machine).
 */
export class CallbackUrlRule {
  constructor(readonly sandbox: boolean) {}

  /** Why `url` cannot be registered, or undefined when it can. Resolves the host's name in production mode. */
  async refusal(url: string): Promise<string | undefined> {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return `url "${url}" is not a URL`;
    }
    if (this.sandbox) return isSandboxCallback(parsed) ? undefined : `url "${url}" must be https://, or http:// on loopback`;
    const before = this.refusalBeforeConnect(parsed);
    if (before) return `url "${url}": ${before}`;
    try {
      await resolvePublic(hostOf(parsed));
    } catch (error) {
      // A name that does not resolve yet is accepted: every delivery checks where it resolves then.
      if (error instanceof RefusedAddressError) return `url "${url}": ${error.message}`;
    }
    return undefined;
  }

  /**
   * What can be refused before connecting: the scheme, and a host that is an IP address (a connection to an
   * address asks no DNS, so the lookup below would never see it). Undefined in the sandbox.
   */
  refusalBeforeConnect(url: URL): string | undefined {
    if (this.sandbox) return undefined;
    if (url.protocol !== 'https:') return `must be https:// (${PUBLIC_ONLY})`;
    const host = hostOf(url);
    const rule = isIP(host) ? nonPublicRule(host) : undefined;
    return rule && `host ${host} is a ${rule} address (${PUBLIC_ONLY})`;
  }

  /** The DNS lookup a delivery's connection uses: in production mode it fails on any non-public address. */
  get lookup(): LookupFunction | undefined {
    return this.sandbox ? undefined : publicOnlyLookup;
  }
}

/** The sandbox's rule: https:// anywhere, http:// on loopback only. */
function isSandboxCallback(url: URL): boolean {
  if (url.protocol === 'https:') return true;
  const host = hostOf(url);
  return url.protocol === 'http:' && (host === 'localhost' || (isIP(host) !== 0 && nonPublicRule(host) === 'loopback'));
}

/** The host without the brackets of an IPv6 literal. */
const hostOf = (url: URL) => url.hostname.replace(/^\[|\]$/g, '');

/** Every address `host` resolves to, when all are public; else a RefusedAddressError naming the first that is not. */
function resolvePublic(host: string): Promise<LookupAddress[]> {
  return new Promise((resolve, reject) => {
    dnsLookup(host, { all: true }, (error, addresses) => {
      if (error) return reject(error);
      for (const { address } of addresses) {
        const rule = nonPublicRule(address);
        if (rule) return reject(new RefusedAddressError(`host ${host} resolves to ${address}, a ${rule} address (${PUBLIC_ONLY})`));
      }
      resolve(addresses);
    });
  });
}

/** A `lookup` for node:net connections (which ask for one address, or for all when they try several). */
const publicOnlyLookup = ((host: string, options: LookupOneOptions | LookupAllOptions, callback: (...args: unknown[]) => void) => {
  resolvePublic(host).then(
    (addresses) => (options.all ? callback(null, addresses) : callback(null, addresses[0]!.address, addresses[0]!.family)),
    (error: unknown) => callback(error),
  );
}) as LookupFunction;

/** The receiver a URL names, which the delivery worker bounds (scheme, host and port); a URL that does not parse is one of its own. */
export function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}
