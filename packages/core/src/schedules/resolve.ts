import { constant } from './constant.js';
import { describe, scheduleError } from './schedule-error.js';
import type { Schedule } from './types.js';

/**
 * True when `value` looks like a {@link Schedule} (has `kind`, `valueAt` and `toJSON`).
 *
 * @example
 * ```ts
 * isSchedule(constant(1)); // true
 * isSchedule(0.5);         // false
 * ```
 */
export function isSchedule(value: unknown): value is Schedule {
  if (typeof value !== 'object' || value === null) return false;
  const s = value as Partial<Schedule>;
  return typeof s.kind === 'string' && typeof s.valueAt === 'function' && typeof s.toJSON === 'function';
}

/**
 * A schedule for a value given either as a fixed number or as a schedule, so options such as
 * `alpha` and `temperature` accept both.
 *
 * @example
 * ```ts
 * resolveSchedule(0.5);                         // constant(0.5)
 * resolveSchedule(linear({ from: 1, to: 0 }));  // the schedule itself
 * ```
 */
export function resolveSchedule(valueOrSchedule: number | Schedule): Schedule {
  if (typeof valueOrSchedule === 'number') return constant(valueOrSchedule);
  if (isSchedule(valueOrSchedule)) return valueOrSchedule;
  throw scheduleError(
    `Expected a number or a Schedule (e.g. constant(0.5), linear({ from, to })), got ${describe(valueOrSchedule)}.`,
    { value: valueOrSchedule },
  );
}
