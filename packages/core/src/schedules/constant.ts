import { defineSchedule } from './define-schedule.js';
import { requireFinite } from './schedule-error.js';
import type { Schedule } from './types.js';

/**
 * The same value at every step.
 *
 * @example
 * ```ts
 * const T = constant(4);
 * T.valueAt({ step: 123, epoch: 1, totalSteps: 1000, stepsPerEpoch: 100 }); // 4
 * ```
 */
export function constant(value: number): Schedule {
  const v = requireFinite('constant schedule', 'value', value);
  return defineSchedule({
    kind: 'constant' as const,
    valueAt: () => v,
    toJSON: () => ({ kind: 'constant' as const, value: v }),
  });
}
