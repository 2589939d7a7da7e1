import { defineSchedule, valueAtUnchecked } from './define-schedule.js';
import { localContext, localStart, positionOf } from './context.js';
import { resolveSchedule } from './resolve.js';
import { requireFinite, requirePositiveInteger, requireUnit } from './schedule-error.js';
import type { Schedule, ScheduleUnit } from './types.js';

/** Options of {@link warmup}. */
export interface WarmupScheduleOptions {
  /** Number of warm-up steps (or epochs), a whole number ≥ 1. */
  length: number;
  /** Value at the first step. */
  from: number;
  /** What follows the warm-up; a number means a constant. */
  then: Schedule | number;
  /** What `length` counts; default `'step'`. */
  unit?: ScheduleUnit;
}

/**
 * Linear warm-up from `from` to the first value of `then`, followed by `then`.
 *
 * `then` runs on a shifted clock: it sees step 0 (and epoch 0) when the warm-up ends and a run of
 * `totalSteps − warm-up steps`, so its own defaults (such as `end`) cover the rest of the run.
 * At position t < length the value is `from + (first − from)·t/length`.
 *
 * @example
 * ```ts
 * // 0 → 0.9 over 100 steps, then cosine 0.9 → 0.1 over the remaining steps
 * const alpha = warmup({ length: 100, from: 0, then: cosine({ from: 0.9, to: 0.1 }) });
 * ```
 */
export function warmup(options: WarmupScheduleOptions): Schedule {
  const where = 'warmup schedule';
  const length = requirePositiveInteger(where, 'length', options?.length);
  const from = requireFinite(where, 'from', options.from);
  const unit = requireUnit(where, options.unit);
  const then = resolveSchedule(options.then);
  return defineSchedule({
    kind: 'warmup' as const,
    valueAt: (ctx) => {
      const t = positionOf(ctx, unit);
      if (t >= length) return valueAtUnchecked(then, localContext(ctx, length, undefined, unit));
      const first = valueAtUnchecked(then, localStart(ctx, length, unit));
      return from + ((first - from) * t) / length;
    },
    toJSON: () => ({ kind: 'warmup' as const, length, from, unit, then: then.toJSON() }),
  });
}
