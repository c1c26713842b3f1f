import type { Decision } from '../domain/state-machine.js';
import { DomainError } from '../domain/errors.js';
import type { Db } from '../store/database.js';

/** How often a state change is tried again after losing a race to a concurrent one (PostgreSQL only). */
const MAX_ATTEMPTS = 5;

export interface StateChange<Aggregate extends { status: string }> {
  /** Loads the aggregate and checks the caller may act on it (throws 404/403). */
  load(trx: Db): Promise<Aggregate>;
  /** The state machine's decision (or a guard's, when more than the status matters: see decideCapture). */
  decide(aggregate: Aggregate): Decision<Aggregate['status']>;
  /**
   * Saves the move with a conditional update (`WHERE status = aggregate.status`) plus its side effects, all in `trx`.
   * False when it changed since it was loaded: the whole change is then tried again on fresh data.
   */
  move(trx: Db, aggregate: Aggregate, to: Aggregate['status']): Promise<boolean>;
}

/**
 * The four steps every operation takes, in one transaction: load and check, decide (the state machine),
 * save a conditional update. A lost race is re-decided on the new state, so it ends as a clean refusal or
 * a repeat, never as a double capture.
 */
export async function changeState<Aggregate extends { status: string }>(db: Db, change: StateChange<Aggregate>): Promise<void> {
  await untilSaved(db, async (trx) => {
    const aggregate = await change.load(trx);
    const decision = change.decide(aggregate);
    switch (decision.kind) {
      case 'refuse':
        throw new DomainError(decision.error);
      case 'repeat':
        return true;
      case 'move':
        return change.move(trx, aggregate, decision.to);
    }
  });
}

/**
 * Runs `attempt` in a transaction until it reports its conditional update saved (true). False means a
 * concurrent change got there first; the next attempt sees it and decides again. Losing every attempt is a
 * refusal (409: the object kept changing), never an internal error.
 */
export async function untilSaved(db: Db, attempt: (trx: Db) => Promise<boolean>): Promise<void> {
  for (let i = 0; i < MAX_ATTEMPTS; i++) {
    if (await db.transaction().execute(attempt)) return;
  }
  throw new DomainError('STALE_EVENT');
}
