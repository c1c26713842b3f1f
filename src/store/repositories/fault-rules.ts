import type { Selectable } from 'kysely';
import { sql } from 'kysely';
import type { FaultRule } from '../../domain/fault-rule.js';
import type { Db } from '../database.js';
import type { FaultRuleTable } from '../schema.js';

const toRule = (row: Selectable<FaultRuleTable>): FaultRule => ({
  ruleId: row.rule_id,
  clientId: row.client_id,
  route: row.route,
  attempt: row.attempt,
  kind: row.kind,
  delayMs: row.delay_ms,
  callsSeen: row.calls_seen,
  createdAt: Number(row.created_at),
  origin: row.origin,
});

export const faultRulesRepository = {
  async list(db: Db): Promise<FaultRule[]> {
    return (await db.selectFrom('fault_rules').selectAll().orderBy('created_at').orderBy('rule_id').execute()).map(toRule);
  },

  async insert(db: Db, rule: Omit<FaultRule, 'callsSeen'>): Promise<void> {
    await db
      .insertInto('fault_rules')
      .values({
        rule_id: rule.ruleId,
        client_id: rule.clientId,
        route: rule.route,
        attempt: rule.attempt,
        kind: rule.kind,
        delay_ms: rule.delayMs,
        created_at: rule.createdAt,
        origin: rule.origin,
      })
      .execute();
  },

  /** False when there was no such rule. */
  async delete(db: Db, ruleId: string): Promise<boolean> {
    const result = await db.deleteFrom('fault_rules').where('rule_id', '=', ruleId).executeTakeFirst();
    return result.numDeletedRows > 0n;
  },

  /**
   * Counts one more matching call on each of the given rules and answers their new counts, in one atomic
   * statement: processes sharing the database count together, so exactly one call is each rule's Nth.
   */
  async countCall(db: Db, ruleIds: readonly string[]): Promise<Map<string, number>> {
    const rows = await db
      .updateTable('fault_rules')
      .set({ calls_seen: sql`calls_seen + 1` })
      .where('rule_id', 'in', ruleIds)
      .returning(['rule_id', 'calls_seen'])
      .execute();
    return new Map(rows.map((row) => [row.rule_id, row.calls_seen]));
  },
};
