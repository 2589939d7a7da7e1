import { defineSchedule } from './define-schedule.js';
import { describe, scheduleError } from './schedule-error.js';
import type { Schedule, ScheduleContext } from './types.js';

/** A user-written schedule body: must be pure and return a finite number. */
export type ScheduleFunction = (ctx: ScheduleContext) => number;

/**
 * A schedule from your own function. It serialises by `name` only
 * (`{ kind: 'function', name }`); pass the function again in `functions` of
 * {@link scheduleFromJSON} to restore it.
 *
 * @example
 * ```ts
 * const sqrtDecay = fromFunction('sqrtDecay', ({ step }) => 1 / Math.sqrt(step + 1));
 * const json = JSON.parse(JSON.stringify(sqrtDecay));
 * const again = scheduleFromJSON(json, { functions: { sqrtDecay: ({ step }) => 1 / Math.sqrt(step + 1) } });
 * ```
 */
export function fromFunction(name: string, fn: ScheduleFunction): Schedule {
  if (typeof name !== 'string' || name.trim() === '') {
    throw scheduleError(
      `fromFunction: \`name\` must be a non-empty string, got ${describe(name)}. It is the key used to restore the schedule from JSON.`,
    );
  }
  if (typeof fn !== 'function') {
    throw scheduleError(`fromFunction('${name}'): \`fn\` must be a function (ctx) => number, got ${describe(fn)}.`);
  }
  return defineSchedule({
    kind: 'function' as const,
    valueAt: (ctx) => {
      const v: unknown = fn({ ...ctx });
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw scheduleError(
          `Function schedule '${name}' returned ${describe(v)} at step ${ctx.step} (epoch ${ctx.epoch}); ` +
            'it must return a finite number for every step of the run.',
          { name, step: ctx.step, epoch: ctx.epoch, value: v },
        );
      }
      return v;
    },
    toJSON: () => ({ kind: 'function' as const, name }),
  });
}
