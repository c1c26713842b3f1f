/**
 * Money is held as integer minor units (øre, cents). The wire carries a JSON number with at most two
 * decimals; this module is the only place that converts between the two, without float arithmetic on
 * amounts (the decimal text of the number is parsed instead).
 */
export type CurrencyCode = 'DKK' | 'EUR';

export const MAX_AMOUNT_MINOR = 100_000_000; // 1,000,000.00

/** A plain decimal: digits, then optionally a point and one or two digits. No sign, exponent or spaces. */
const PLAIN_DECIMAL = /^(\d+)(?:\.(\d{1,2}))?$/;

/**
 * Minor units of a plain decimal text, or null when it is not one or is not above 0 and within the maximum.
 * Also how an amount sent as a JSON string (`"12.50"`) is read: the contract says number, but MobilePay's
 * Json.NET read such a string into a decimal, and real clients send one (SPEC §2.7).
 */
export function minorUnitsOfText(text: string): number | null {
  const match = PLAIN_DECIMAL.exec(text);
  if (!match) return null;
  const whole = Number(match[1]);
  const fraction = Number((match[2] ?? '').padEnd(2, '0'));
  const minor = whole * 100 + fraction;
  return minor > 0 && minor <= MAX_AMOUNT_MINOR ? minor : null;
}

/** Minor units of a wire amount, or null when it is not a positive number with ≤ 2 decimals within the maximum. */
export function toMinorUnits(amount: unknown): number | null {
  if (typeof amount !== 'number' || !Number.isFinite(amount) || amount <= 0) return null;
  // Number#toString gives the shortest text that round-trips, so 12.1 is "12.1", never "12.0999…"; more than
  // 2 decimals, or exponent notation (far too small or too large), is not a plain decimal.
  return minorUnitsOfText(amount.toString());
}

/** The wire number for minor units; exact, since every cent value up to the maximum is representable. */
export function fromMinorUnits(minor: number): number {
  return Number(`${Math.trunc(minor / 100)}.${String(minor % 100).padStart(2, '0')}`);
}
