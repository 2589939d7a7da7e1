import { positionOf, runLength } from './context.js';
import { requireNonNegativeInteger, requireUnit, scheduleError } from './schedule-error.js';
import type { ScheduleContext, ScheduleUnit } from './types.js';

/** Where a ramp (linear, cosine, exponential) runs: from `start` to `end`, counted in `unit`. */
export interface RampWindow {
  start?: number | undefined;
  end?: number | undefined;
  unit: ScheduleUnit;
}

/** Validates `start`, `end` and `unit` of a ramp's options. */
export function readRampWindow(where: string, options: { start?: unknown; end?: unknown; unit?: unknown }): RampWindow {
  const unit = requireUnit(where, options.unit);
  const start = options.start === undefined ? undefined : requireNonNegativeInteger(where, 'start', options.start);
  const end = options.end === undefined ? undefined : requireNonNegativeInteger(where, 'end', options.end);
  if (end !== undefined && end <= (start ?? 0)) {
    throw scheduleError(
      `${where}: \`end\` (${end}) must be greater than \`start\` (${start ?? 0}). ` +
        'Give an end after the start, or use piecewise() for a jump between two values.',
      { start, end },
    );
  }
  return { start, end, unit };
}

/** Adds the window's fields to a JSON object, leaving out the defaults that were not given. */
export function windowJSON(w: RampWindow): { start?: number; end?: number; unit: ScheduleUnit } {
  return {
    ...(w.start === undefined ? {} : { start: w.start }),
    ...(w.end === undefined ? {} : { end: w.end }),
    unit: w.unit,
  };
}

/**
 * Fraction of the ramp done at `ctx`, in [0, 1]: 0 up to `start` (default 0), 1 from `end`
 * (default the last step or epoch of the run) on, linear in between.
 */
export function rampProgress(ctx: ScheduleContext, w: RampWindow): number {
  const t = positionOf(ctx, w.unit);
  const start = w.start ?? 0;
  const end = w.end ?? runLength(ctx, w.unit) - 1;
  if (t <= start) return 0;
  if (t >= end) return 1;
  return (t - start) / (end - start);
}
