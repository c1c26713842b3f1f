import { Type } from '@sinclair/typebox';
import { FAULT_KINDS, FAULT_ROUTES, MAX_FAULT_DELAY_MS } from '../../domain/fault-rule.js';
import { Strict, StringEnum, Uuid } from './common.js';

const ruleFields = {
  clientId: Type.String({ minLength: 1, maxLength: 100, description: 'The client whose calls the rule hits.' }),
  route: StringEnum(FAULT_ROUTES, { description: 'The route, method and template, e.g. "POST /pos/v10/pointofsales".' }),
  attempt: Type.Integer({ minimum: 1, description: "Which of the client's calls to the route, counted from the rule's creation, gets the fault (1 = the next)." }),
  kind: StringEnum(FAULT_KINDS, {
    description:
      'late: the work is done and the answer sent after delayMs; error-after: the work is done and a 500 answered; error-before: a 500 and no work; drop-after: the work is done and the connection closed without an answer.',
  }),
};

export const FaultRuleRequest = Type.Object(
  { ...ruleFields, delayMs: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_FAULT_DELAY_MS, description: 'For late: how long the answer is held back.' })) },
  { ...Strict, title: 'FaultRuleRequest' },
);

export const FaultRuleResponse = Type.Object(
  {
    ruleId: Uuid(),
    ...ruleFields,
    delayMs: Type.Integer(),
    callsSeen: Type.Integer({ description: 'Matching calls seen so far.' }),
    createdAt: Type.String({ format: 'date-time' }),
    origin: Type.String({ description: '"operator", or the certification run that made the rule.' }),
  },
  { ...Strict, title: 'FaultRuleResponse' },
);

export const FaultRuleList = Type.Object({ rules: Type.Array(FaultRuleResponse) }, { ...Strict, title: 'FaultRuleList' });

export const FaultRuleParams = Type.Object({ ruleId: Uuid() }, Strict);
