/**
 * Which unique rule a failed insert broke, read from either engine's error, or null when the error is not a
 * unique violation. SQLite names the columns ("UNIQUE constraint failed: t.a, t.b"); PostgreSQL names the
 * constraint or index (code 23505); callers match on a column or index name that appears in both.
 */
export function uniqueViolation(error: unknown): string | null {
  if (typeof error !== 'object' || error === null) return null;
  const e = error as { code?: unknown; message?: unknown; constraint?: unknown };
  if (e.code === '23505') return `${String(e.constraint ?? '')} ${String(e.message ?? '')}`;
  if (e.code === 'SQLITE_CONSTRAINT_UNIQUE' || e.code === 'SQLITE_CONSTRAINT_PRIMARYKEY') return String(e.message ?? '');
  return null;
}
