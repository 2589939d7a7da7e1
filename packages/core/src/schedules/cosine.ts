import { defineSchedule } from './define-schedule.js';
import type { RampScheduleOptions } from './linear.js';
import { rampProgress, readRampWindow, windowJSON } from './ramp-window.js';
import { requireFinite } from './schedule-error.js';
import type { Schedule } from './types.js';

/**
 * Cosine annealing from `from` (at `start`) to `to` (at `end`): with progress p ∈ [0, 1] the
 * value is `to + (from − to)·(1 + cos(π·p))/2` — flat at both ends, fastest in the middle.
 *
 * @example
 * ```ts
 * const alpha = cosine({ from: 0.9, to: 0.1 });
 * alpha.valueAt({ step: 50, epoch: 0, totalSteps: 101, stepsPerEpoch: 101 }); // 0.5
 * ```
 */
export function cosine(options: RampScheduleOptions): Schedule {
  const where = 'cosine schedule';
  const from = requireFinite(where, 'from', options?.from);
  const to = requireFinite(where, 'to', options.to);
  const w = readRampWindow(where, options);
  return defineSchedule({
    kind: 'cosine' as const,
    valueAt: (ctx) => {
      const p = rampProgress(ctx, w);
      // exact ends: to + (from − to)·1 can be off by one ulp
      if (p === 0) return from;
      if (p === 1) return to;
      return to + ((from - to) * (1 + Math.cos(Math.PI * p))) / 2;
    },
    toJSON: () => ({ kind: 'cosine' as const, from, to, ...windowJSON(w) }),
  });
}
