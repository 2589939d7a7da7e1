import { checkContext } from './context.js';
import type { Schedule, ScheduleContext } from './types.js';

/** Where kd's own schedules keep their body without the context check. */
const VALUE_AT_UNCHECKED = Symbol('kd.schedule.valueAtUnchecked');

type UncheckedBody = (ctx: ScheduleContext) => number;

/**
 * A frozen schedule whose public `valueAt` checks the context once and then runs `spec.valueAt`,
 * which may assume a valid context. Nested schedules and {@link scheduleValues} call the body
 * directly ({@link valueAtUnchecked}), so a run's contexts, valid by construction, are not
 * re-checked at every step and at every level of nesting.
 */
export function defineSchedule(spec: Schedule): Schedule {
  const body: UncheckedBody = spec.valueAt;
  return Object.freeze({
    kind: spec.kind,
    valueAt: (ctx: ScheduleContext) => {
      checkContext(ctx);
      return body(ctx);
    },
    toJSON: spec.toJSON,
    [VALUE_AT_UNCHECKED]: body,
  });
}

/**
 * The value of `schedule` at a context the caller has already checked (or built valid): kd's own
 * schedules skip their check; any other {@link Schedule} runs its own `valueAt`.
 */
export function valueAtUnchecked(schedule: Schedule, ctx: ScheduleContext): number {
  const body = (schedule as { [VALUE_AT_UNCHECKED]?: unknown })[VALUE_AT_UNCHECKED];
  return typeof body === 'function' ? (body as UncheckedBody)(ctx) : schedule.valueAt(ctx);
}
