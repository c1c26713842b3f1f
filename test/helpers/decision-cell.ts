import { ERRORS, type ErrorName } from '../../src/domain/errors.js';
import type { Decision } from '../../src/domain/state-machine.js';

/** A decision written the way an expected table reads: '→ Status', 'repeat', or the refusal's error code. */
export type Cell<S extends string> = `→ ${S}` | 'repeat' | (typeof ERRORS)[ErrorName]['code'];

export function cell<S extends string>(decision: Decision<S>): Cell<S> {
  switch (decision.kind) {
    case 'move':
      return `→ ${decision.to}`;
    case 'repeat':
      return 'repeat';
    case 'refuse':
      return ERRORS[decision.error].code;
  }
}
