import { randomUUID } from 'node:crypto';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const FIFTEEN_DIGITS = /^[0-9]{15}$/;
const VAT_NUMBER = /^(DK|FI)[0-9]{8}$/;
const BRAND_ID = /^(MPPOS|POSDK|POSFI)[0-9A-Za-z]{5}$/;
const SYSTEM_VERSION = /^[0-9]+\.[0-9]+\.[0-9]+$/;
const CLIENT_ID = /^[A-Za-z0-9._~-]{1,100}$/;
const PHONE_NUMBER = /^\+[0-9]{8,15}$/;

export const newId = (): string => randomUUID();

export const isGuid = (value: string): boolean => GUID.test(value);

/** A beacon encodes either a GUID or exactly 15 digits (white-box QR codes). */
export const isBeaconId = (value: string): boolean => GUID.test(value) || FIFTEEN_DIGITS.test(value);

/**
 * Beacon ids are compared case-insensitively when they are GUIDs (a phone may read either case), so the
 * platform stores them in one canonical form.
 */
export const canonicalBeaconId = (value: string): string => value.toLowerCase();

/**
 * The beacon id in what a phone read at a PoS: a printed QR code holds `mobilepaypos://pos?id=<beaconId>&source=qr`
 * (SPEC §2.3), an NFC tag or a typed id holds the beacon id itself. Anything else is returned as it is, for the
 * beacon id rules to refuse.
 */
export function beaconIdOfScan(scanned: string): string {
  const text = scanned.trim();
  if (!/^mobilepaypos:\/\/pos\?/i.test(text)) return text;
  return new URLSearchParams(text.slice(text.indexOf('?') + 1)).get('id') ?? text;
}

export const isVatNumber = (value: string): boolean => VAT_NUMBER.test(value);

export const isMerchantBrandId = (value: string): boolean => BRAND_ID.test(value);

export const isClientSystemVersion = (value: string): boolean => SYSTEM_VERSION.test(value);

/** An OAuth client id: 1-100 URL-safe characters (RFC 3986 unreserved), so it needs no escaping anywhere. */
export const isClientId = (value: string): boolean => CLIENT_ID.test(value);

/** A customer's phone number: + and 8-15 digits (E.164). */
export const isPhoneNumber = (value: string): boolean => PHONE_NUMBER.test(value);
