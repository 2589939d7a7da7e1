import { defineSchedule, valueAtUnchecked } from './define-schedule.js';
import { localContext, positionOf } from './context.js';
import { resolveSchedule } from './resolve.js';
import { describe, requirePositiveInteger, requireUnit, scheduleError } from './schedule-error.js';
import type { Schedule, ScheduleUnit } from './types.js';

/** One part of a {@link piecewise} schedule: `schedule` runs up to step (or epoch) `until`, exclusive. */
export interface PiecewiseSegment {
  /** End of this part, exclusive; boundaries must strictly increase. */
  until: number;
  /** The schedule of this part; a number means a constant. */
  schedule: Schedule | number;
}

/** Options of {@link piecewise}. */
export interface PiecewiseScheduleOptions {
  /** What the `until` boundaries count; default `'step'`. */
  unit?: ScheduleUnit;
}

/**
 * Several schedules one after another: segment i runs from the previous boundary (0 for the
 * first) up to its `until` (exclusive), then `last` runs to the end of the run.
 *
 * Each part runs on its own clock: it sees step 0 (and epoch 0) at its start and a run as long as
 * the part (`last`: the rest of the run), so `linear({ from, to })` inside a part spans that part.
 *
 * @example
 * ```ts
 * // boundaries and values: 4 for epochs 0–4, 2 for epochs 5–9, then 1
 * const T = piecewise([{ until: 5, schedule: 4 }, { until: 10, schedule: 2 }], 1, { unit: 'epoch' });
 * // linear ramp over the first 500 steps, then cosine decay over the rest
 * const alpha = piecewise([{ until: 500, schedule: linear({ from: 0, to: 0.9 }) }], cosine({ from: 0.9, to: 0.1 }));
 * ```
 */
export function piecewise(
  segments: readonly PiecewiseSegment[],
  last: Schedule | number,
  options: PiecewiseScheduleOptions = {},
): Schedule {
  const where = 'piecewise schedule';
  const unit = requireUnit(where, options?.unit);
  if (!Array.isArray(segments) || segments.length === 0) {
    throw scheduleError(
      `${where}: \`segments\` must be a non-empty array of { until, schedule }, got ${describe(segments)}. ` +
        'For a single schedule use it directly.',
    );
  }
  const parts: { start: number; until: number; schedule: Schedule }[] = [];
  let previous = 0;
  segments.forEach((segment, i) => {
    const until = requirePositiveInteger(where, `segments[${i}].until`, segment?.until);
    if (until <= previous) {
      throw scheduleError(
        `${where}: boundaries must strictly increase, but segments[${i}].until = ${until} is not after ${previous}. ` +
          'Sort the segments by `until` and drop empty ones.',
        { index: i, until, previous },
      );
    }
    parts.push({ start: previous, until, schedule: resolveSchedule(segment.schedule) });
    previous = until;
  });
  const lastStart = previous;
  const lastSchedule = resolveSchedule(last);
  return defineSchedule({
    kind: 'piecewise' as const,
    valueAt: (ctx) => {
      const t = positionOf(ctx, unit);
      const part = parts.find((p) => t < p.until);
      if (part) return valueAtUnchecked(part.schedule, localContext(ctx, part.start, part.until - part.start, unit));
      return valueAtUnchecked(lastSchedule, localContext(ctx, lastStart, undefined, unit));
    },
    toJSON: () => ({
      kind: 'piecewise' as const,
      unit,
      segments: parts.map((p) => ({ until: p.until, schedule: p.schedule.toJSON() })),
      last: lastSchedule.toJSON(),
    }),
  });
}
