import { FAULT_KINDS, FAULT_ROUTES, MAX_FAULT_DELAY_MS, type FaultKind, type FaultRule } from '../domain/fault-rule.js';
import { newId } from '../domain/ids.js';
import type { Clock } from '../clock.js';
import type { Db } from '../store/database.js';
import { faultRulesRepository } from '../store/repositories/fault-rules.js';
import { integratorsRepository } from '../store/repositories/integrators.js';
import { platformStateRepository } from '../store/repositories/platform-state.js';
import { PolledSnapshot } from './polled-snapshot.js';

/** A rule refused as asked (unknown client or route, attempt or delay out of range). */
export class FaultRuleError extends Error {}

export interface NewFaultRule {
  clientId: string;
  route: string;
  attempt: number;
  kind: FaultKind;
  /** Only for `late`. */
  delayMs?: number;
  origin?: string;
}

/** Which rules apply to which calls; written by the operator (and certification), read on every call. */
export class FaultRules {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    /** Called after a change, so this process applies it at once. */
    private readonly changed: () => Promise<void> = async () => {},
  ) {}

  async add(input: NewFaultRule): Promise<FaultRule> {
    const rule: FaultRule = {
      ruleId: newId(),
      clientId: input.clientId,
      route: input.route,
      attempt: input.attempt,
      kind: input.kind,
      delayMs: input.delayMs ?? 0,
      callsSeen: 0,
      createdAt: this.clock.now(),
      origin: input.origin ?? 'operator',
    };
    await this.#check(rule);
    await this.db.transaction().execute(async (trx) => {
      await faultRulesRepository.insert(trx, rule);
      await platformStateRepository.add(trx, 'fault_rules_version', 1);
    });
    await this.changed();
    return rule;
  }

  list(): Promise<FaultRule[]> {
    return faultRulesRepository.list(this.db);
  }

  /** False when there was no such rule. */
  async remove(ruleId: string): Promise<boolean> {
    const removed = await this.db.transaction().execute(async (trx) => {
      const done = await faultRulesRepository.delete(trx, ruleId);
      if (done) await platformStateRepository.add(trx, 'fault_rules_version', 1);
      return done;
    });
    if (removed) await this.changed();
    return removed;
  }

  async #check(rule: FaultRule): Promise<void> {
    if (!FAULT_KINDS.includes(rule.kind)) throw new FaultRuleError(`unknown kind "${rule.kind}" (one of ${FAULT_KINDS.join(', ')})`);
    if (!FAULT_ROUTES.includes(rule.route)) throw new FaultRuleError(`unknown route "${rule.route}" (e.g. "POST /pos/v10/pointofsales")`);
    if (!Number.isInteger(rule.attempt) || rule.attempt < 1) throw new FaultRuleError('the attempt must be a whole number from 1');
    if (!Number.isInteger(rule.delayMs) || rule.delayMs < 0 || rule.delayMs > MAX_FAULT_DELAY_MS) {
      throw new FaultRuleError(`the delay must be a whole number of milliseconds from 0 to ${MAX_FAULT_DELAY_MS}`);
    }
    if (rule.kind !== 'late' && rule.delayMs !== 0) throw new FaultRuleError('only a late answer has a delay');
    if (!(await integratorsRepository.findClient(this.db, rule.clientId))) throw new FaultRuleError(`unknown client "${rule.clientId}"`);
  }
}

/**
 * The rules not yet spent, in memory by client and route, so a call no rule names costs one Map lookup: no
 * query, no promise. A call a rule does name is counted in the database (several processes count together),
 * and gets the fault of the rule it is the Nth call of.
 */
export class FaultSnapshot extends PolledSnapshot {
  /** clientId → route → its live rules. */
  #rules = new Map<string, Map<string, FaultRule[]>>();

  constructor(db: Db) {
    super(db, 'fault_rules_version');
  }

  /** The live rules of a client's route; undefined (nearly always) when there are none. */
  rulesFor(clientId: string, route: string): readonly FaultRule[] | undefined {
    return this.#rules.get(clientId)?.get(route);
  }

  /**
   * Counts a call on `rules` (from rulesFor) and answers the rule it is the Nth call of, if any. A rule whose
   * count reached its attempt is spent: this process stops counting calls on it.
   */
  async hit(clientId: string, route: string, rules: readonly FaultRule[]): Promise<FaultRule | undefined> {
    const counts = await faultRulesRepository.countCall(
      this.db,
      rules.map((rule) => rule.ruleId),
    );
    let fired: FaultRule | undefined;
    for (const rule of rules) {
      const count = counts.get(rule.ruleId);
      if (count === rule.attempt) fired ??= rule;
    }
    const live = rules.filter((rule) => (counts.get(rule.ruleId) ?? Infinity) < rule.attempt);
    const byRoute = this.#rules.get(clientId);
    if (byRoute?.get(route) === rules) {
      if (live.length > 0) byRoute.set(route, live);
      else byRoute.delete(route);
    }
    return fired;
  }

  protected async loadRows(): Promise<void> {
    const byClient = new Map<string, Map<string, FaultRule[]>>();
    for (const rule of await faultRulesRepository.list(this.db)) {
      if (rule.callsSeen >= rule.attempt) continue;
      let byRoute = byClient.get(rule.clientId);
      if (!byRoute) byClient.set(rule.clientId, (byRoute = new Map()));
      const rules = byRoute.get(rule.route);
      if (rules) rules.push(rule);
      else byRoute.set(rule.route, [rule]);
    }
    this.#rules = byClient;
  }
}
