import { defineSchedule } from './define-schedule.js';
import { rampProgress, readRampWindow, windowJSON } from './ramp-window.js';
import { requireFinite } from './schedule-error.js';
import type { Schedule, ScheduleUnit } from './types.js';

/** Options of {@link linear} and {@link cosine}. */
export interface RampScheduleOptions {
  /** Value at and before `start`. */
  from: number;
  /** Value at and after `end`. */
  to: number;
  /** First step (or epoch) of the ramp; default 0. */
  start?: number;
  /** Step (or epoch) where the ramp reaches `to`; default the last one of the run (`totalSteps − 1`). */
  end?: number;
  /** What `start`/`end` count and how often the value changes; default `'step'`. */
  unit?: ScheduleUnit;
}

/**
 * Straight line from `from` (at `start`) to `to` (at `end`), held flat outside that window.
 *
 * @example
 * ```ts
 * const alpha = linear({ from: 0.9, to: 0.1 }); // over the whole run
 * alpha.valueAt({ step: 50, epoch: 0, totalSteps: 101, stepsPerEpoch: 101 }); // 0.5
 * const T = linear({ from: 8, to: 1, end: 10, unit: 'epoch' }); // 8 → 1 over the first 10 epochs
 * ```
 */
export function linear(options: RampScheduleOptions): Schedule {
  const where = 'linear schedule';
  const from = requireFinite(where, 'from', options?.from);
  const to = requireFinite(where, 'to', options.to);
  const w = readRampWindow(where, options);
  return defineSchedule({
    kind: 'linear' as const,
    valueAt: (ctx) => {
      const p = rampProgress(ctx, w);
      // exact `to` at the end: from + (to − from)·1 can be off by one ulp
      return p === 1 ? to : from + (to - from) * p;
    },
    toJSON: () => ({ kind: 'linear' as const, from, to, ...windowJSON(w) }),
  });
}
