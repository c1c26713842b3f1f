/**
 * MobilePay's "valid character set" for free-text fields (order ids, PoS names, labels, idempotency keys):
 * ASCII letters, digits, space, ASCII punctuation and a fixed list of Nordic/Latin letters and symbols.
 * Anything else (control characters, emoji, other scripts) is refused.
 */
const NORDIC_AND_LATIN =
  'æÆøØåÅäÄöÖšŠžŽâÂàÀáÁãÃéÉêÊëËèÈíÍîÎïÏìÌüÜûÛùÙúÚôÔòÒóÓõÕÿýÝñÑ¦¯¨´×«»ðþçß¤ÇµÐÞ±°ªº©§¶¼½¾¬®¢£¥¡¿¹²³';

const escapeForClass = (chars: string) => chars.replace(/[\\\]^-]/g, (c) => `\\${c}`);

// Printable ASCII (0x20-0x7E) is exactly: space, digits, letters and ASCII punctuation.
const VALID_TEXT = new RegExp(`^[\\x20-\\x7E${escapeForClass(NORDIC_AND_LATIN)}]+$`, 'u');

/** True when `value` has 1..maxLength characters, all from the valid character set. */
export function isValidText(value: string, maxLength = 36): boolean {
  // Length counts characters as the user sees them; every valid character is one UTF-16 unit.
  return value.length >= 1 && value.length <= maxLength && VALID_TEXT.test(value);
}
