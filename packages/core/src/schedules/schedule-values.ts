import { KdError } from '../errors/kd-error.js';
import type { Schedule } from './types.js';

/** The length of a run, for {@link scheduleValues}. */
export interface ScheduleRun {
  /** Steps in the run, a whole number ≥ 1. */
  totalSteps: number;
  /** Steps per epoch, a whole number ≥ 1. */
  stepsPerEpoch: number;
}

/**
 * The value of `schedule` at every step of a run (epoch = ⌊step / stepsPerEpoch⌋), for plots
 * and for checking a range (e.g. α ∈ [0, 1]) before training starts.
 *
 * @example
 * ```ts
 * const values = scheduleValues(cosine({ from: 0.9, to: 0.1 }), { totalSteps: 1000, stepsPerEpoch: 100 });
 * const ok = values.every((a) => a >= 0 && a <= 1);
 * ```
 */
export function scheduleValues(schedule: Schedule, run: ScheduleRun): number[] {
  const { totalSteps, stepsPerEpoch } = run ?? ({} as ScheduleRun);
  for (const [field, v] of [
    ['totalSteps', totalSteps],
    ['stepsPerEpoch', stepsPerEpoch],
  ] as const) {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
      throw new KdError(
        'KD_INVALID_ARGUMENT',
        `scheduleValues: \`${field}\` must be a whole number ≥ 1, got ${String(v)}.`,
        {
          field,
          value: v,
        },
      );
    }
  }
  const values = new Array<number>(totalSteps);
  for (let step = 0; step < totalSteps; step++) {
    values[step] = schedule.valueAt({ step, epoch: Math.floor(step / stepsPerEpoch), totalSteps, stepsPerEpoch });
  }
  return values;
}
