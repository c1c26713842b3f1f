import { Type } from '@sinclair/typebox';
import { DAY } from '../../domain/durations.js';
import { Strict } from './common.js';

export const ClockResponse = Type.Object({ now: Type.String({ format: 'date-time' }) }, { ...Strict, title: 'SandboxClockResponse' });

export const AdvanceClockRequest = Type.Object(
  {
    advanceMs: Type.Integer({
      minimum: 0,
      maximum: 10 * 365 * DAY,
      description: 'How far to move platform time forward, in milliseconds (0 only runs what is due).',
    }),
  },
  { ...Strict, title: 'AdvanceSandboxClockRequest' },
);
