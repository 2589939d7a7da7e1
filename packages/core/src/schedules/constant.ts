import { requireFinite } from './schedule-error.js';
import { checkContext } from './context.js';
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
  return Object.freeze({
    kind: 'constant' as const,
    valueAt: (ctx) => {
      checkContext(ctx);
      return v;
    },
    toJSON: () => ({ kind: 'constant' as const, value: v }),
  } satisfies Schedule);
}
