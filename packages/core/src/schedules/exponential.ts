import { defineSchedule } from './define-schedule.js';
import { positionOf } from './context.js';
import { rampProgress, readRampWindow, windowJSON } from './ramp-window.js';
import { requireFinite, requirePositive, scheduleError } from './schedule-error.js';
import type { ExponentialScheduleJSON, Schedule, ScheduleUnit } from './types.js';

interface ExponentialWindowOptions {
  /** First step (or epoch) of the decay; default 0. */
  start?: number;
  /**
   * Step (or epoch) after which the value is held. With `to` the default is the last one of the
   * run; with `rate` the default is never.
   */
  end?: number;
  /** What `start`/`end` count and how often the value changes; default `'step'`. */
  unit?: ScheduleUnit;
}

/** Geometric interpolation between two positive values over a window. */
export interface ExponentialToOptions extends ExponentialWindowOptions {
  /** Value at and before `start`; must be > 0. */
  from: number;
  /** Value at and after `end`; must be > 0. */
  to: number;
  rate?: undefined;
}

/** Multiplication by a fixed factor per step (or epoch). */
export interface ExponentialRateOptions extends ExponentialWindowOptions {
  /** Value at and before `start`. */
  from: number;
  /** Factor per step (or epoch), > 0: below 1 decays, above 1 grows. */
  rate: number;
  to?: undefined;
}

/** Options of {@link exponential}: give either `to` or `rate`. */
export type ExponentialScheduleOptions = ExponentialToOptions | ExponentialRateOptions;

/**
 * Exponential change, in one of two forms:
 * - `{ from, to }`: `from·(to/from)^p` with p ∈ [0, 1] the progress through the window
 *   (both values > 0), so the ratio between consecutive steps is constant;
 * - `{ from, rate }`: `from·rate^(t − start)` for the position t (a step or epoch index),
 *   held at `from` before `start` and at its value at `end` after `end` when `end` is given.
 *
 * @example
 * ```ts
 * const T = exponential({ from: 8, to: 1 });                       // 8 → 1 over the run
 * const alpha = exponential({ from: 0.9, rate: 0.95, unit: 'epoch' }); // ×0.95 per epoch
 * ```
 */
export function exponential(options: ExponentialScheduleOptions): Schedule {
  const where = 'exponential schedule';
  const from = requireFinite(where, 'from', options?.from);
  const w = readRampWindow(where, options);
  const hasTo = options.to !== undefined;
  const hasRate = options.rate !== undefined;
  if (hasTo === hasRate) {
    throw scheduleError(
      `${where}: give exactly one of \`to\` (the final value) and \`rate\` (the factor per ${w.unit}), ` +
        `got ${hasTo ? 'both' : 'neither'}.`,
      { to: options.to, rate: options.rate },
    );
  }
  if (hasTo) {
    const to = requireFinite(where, 'to', options.to);
    if (from <= 0 || to <= 0) {
      throw scheduleError(
        `${where}: \`from\` and \`to\` must both be > 0 for a geometric interpolation, got from=${from}, to=${to}. ` +
          'Use linear() or cosine() for values that reach 0 or change sign.',
        { from, to },
      );
    }
    const json: ExponentialScheduleJSON = { kind: 'exponential', from, to, ...windowJSON(w) };
    return defineSchedule({
      kind: 'exponential' as const,
      valueAt: (ctx) => {
        const p = rampProgress(ctx, w);
        if (p === 0) return from;
        if (p === 1) return to;
        return from * Math.pow(to / from, p);
      },
      toJSON: () => ({ ...json }),
    });
  }
  const rate = requirePositive(where, 'rate', options.rate);
  const start = w.start ?? 0;
  const end = w.end ?? Number.POSITIVE_INFINITY;
  const json: ExponentialScheduleJSON = { kind: 'exponential', from, rate, ...windowJSON(w) };
  return defineSchedule({
    kind: 'exponential' as const,
    valueAt: (ctx) => {
      const t = Math.min(Math.max(positionOf(ctx, w.unit), start), end);
      return from * Math.pow(rate, t - start);
    },
    toJSON: () => ({ ...json }),
  });
}
