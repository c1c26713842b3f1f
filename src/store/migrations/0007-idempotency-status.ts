import type { Kysely } from 'kysely';

/**
 * An idempotency key's stored response status goes: every creating v10 POST answers 200, so it was always 200
 * (0 while unanswered) and nothing read it; the stored body alone is replayed.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('idempotency_keys').dropColumn('response_status').execute();
}
