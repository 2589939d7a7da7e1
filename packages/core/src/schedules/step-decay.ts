import { defineSchedule } from './define-schedule.js';
import { positionOf } from './context.js';
import { requireFinite, requirePositive, requirePositiveInteger, requireUnit } from './schedule-error.js';
import type { Schedule, ScheduleUnit } from './types.js';

/** Options of {@link stepDecay}. */
export interface StepDecayScheduleOptions {
  /** Value during the first `every` steps (or epochs). */
  initial: number;
  /** Multiplier applied every `every` steps (or epochs), > 0. */
  factor: number;
  /** How many steps (or epochs) between multiplications, a whole number ≥ 1. */
  every: number;
  /** What `every` counts; default `'step'`. */
  unit?: ScheduleUnit;
}

/**
 * Staircase decay: `initial·factor^⌊t / every⌋` for the position t (a step or epoch index).
 * For arbitrary boundaries and values use {@link piecewise} with numbers, e.g.
 * `piecewise([{ until: 5, schedule: 4 }, { until: 10, schedule: 2 }], 1, { unit: 'epoch' })`.
 *
 * @example
 * ```ts
 * const T = stepDecay({ initial: 8, factor: 0.5, every: 3, unit: 'epoch' }); // 8,8,8,4,4,4,2,…
 * ```
 */
export function stepDecay(options: StepDecayScheduleOptions): Schedule {
  const where = 'stepDecay schedule';
  const initial = requireFinite(where, 'initial', options?.initial);
  const factor = requirePositive(where, 'factor', options.factor);
  const every = requirePositiveInteger(where, 'every', options.every);
  const unit = requireUnit(where, options.unit);
  return defineSchedule({
    kind: 'stepDecay' as const,
    valueAt: (ctx) => initial * Math.pow(factor, Math.floor(positionOf(ctx, unit) / every)),
    toJSON: () => ({ kind: 'stepDecay' as const, initial, factor, every, unit }),
  });
}
