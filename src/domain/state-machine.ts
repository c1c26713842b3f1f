import type { ErrorName } from './errors.js';

/**
 * The shape shared by the payment and the refund state machines: a transition table plus, per event, the
 * status in which it is an idempotent repeat and the error it fails with otherwise. Each machine is plain data;
 * `decide` is the only logic, so the two machines cannot drift apart in how they answer. A rule that needs more
 * than the status (a capture's amount, who accepts) is a guard beside its machine that refines the decision.
 */
export interface StateMachine<S extends string, E extends string> {
  readonly transitions: Readonly<Record<S, Partial<Record<E, S>>>>;
  /** The status in which an event changes nothing and is answered as a success (a retried request). */
  readonly repeats: Readonly<Partial<Record<E, S>>>;
  /** What an event fails with when it neither moves nor repeats. */
  readonly refusals: Readonly<Record<E, ErrorName>>;
}

export type Move<S> = { kind: 'move'; to: S };
export type Refusal = { kind: 'refuse'; error: ErrorName };
export type Decision<S> = Move<S> | { kind: 'repeat' } | Refusal;

export function decide<S extends string, E extends string>(machine: StateMachine<S, E>, from: S, event: E): Decision<S> {
  const to = machine.transitions[from][event];
  if (to !== undefined) return { kind: 'move', to };
  if (machine.repeats[event] === from) return { kind: 'repeat' };
  return { kind: 'refuse', error: machine.refusals[event] };
}

/** The `default` arm of an exhaustive `switch`: it compiles only while every case is handled. */
export function unreachable(value: never): never {
  throw new Error(`Unhandled case: ${String(value)}`);
}
