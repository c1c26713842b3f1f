/**
 * The uniqueness rules a service reacts to, each a unique index of the schema (see the migrations). They decide
 * when two requests race past a service's own check, so a repository reports a broken one as a UniqueViolation
 * naming the rule, never as the engine's error.
 */
const UNIQUE_RULES = {
  activePaymentPerPos: { index: 'payments_one_active_per_pos', columns: 'payments.pos_id' },
  activeBeacon: { index: 'points_of_sale_active_beacon', columns: 'points_of_sale.beacon_id' },
  activeMerchantPosId: {
    index: 'points_of_sale_active_merchant_pos_id',
    columns: 'points_of_sale.integrator_id, points_of_sale.merchant_id, points_of_sale.merchant_pos_id',
  },
} as const;

export type UniqueRule = keyof typeof UNIQUE_RULES;

export class UniqueViolation extends Error {
  constructor(readonly rule: UniqueRule) {
    super(`unique rule ${rule} (${UNIQUE_RULES[rule].index}) violated`);
    this.name = 'UniqueViolation';
  }
}

/**
 * Which rule a failed write broke, read from either engine's error: PostgreSQL names the index (code 23505),
 * SQLite the table's columns ("UNIQUE constraint failed: t.a, t.b"). Null for any other error.
 */
function ruleViolated(error: unknown): UniqueRule | null {
  if (typeof error !== 'object' || error === null) return null;
  const e = error as { code?: unknown; message?: unknown; constraint?: unknown };
  const rules = Object.entries(UNIQUE_RULES) as [UniqueRule, (typeof UNIQUE_RULES)[UniqueRule]][];
  if (e.code === '23505') return rules.find(([, rule]) => rule.index === e.constraint)?.[0] ?? null;
  if (e.code === 'SQLITE_CONSTRAINT_UNIQUE') {
    const columns = String(e.message).replace(/^UNIQUE constraint failed: /, '');
    return rules.find(([, rule]) => rule.columns === columns)?.[0] ?? null;
  }
  return null;
}

/** Runs a write and reports a broken uniqueness rule as a UniqueViolation; other errors pass unchanged. */
export async function reportingUniqueViolations<T>(write: Promise<T>): Promise<T> {
  try {
    return await write;
  } catch (error) {
    const rule = ruleViolated(error);
    throw rule ? new UniqueViolation(rule) : error;
  }
}
