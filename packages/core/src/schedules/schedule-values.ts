import { KdError } from '../errors/kd-error.js';
import { MAX_TOTAL_STEPS } from '../values/sizes.js';
import { valueAtUnchecked } from './define-schedule.js';
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
  if (totalSteps > MAX_TOTAL_STEPS) {
    throw new KdError(
      'KD_INVALID_ARGUMENT',
      `scheduleValues: a run of ${totalSteps} steps is more than the ${MAX_TOTAL_STEPS} kd plans for ` +
        '(α and T are computed for every step before training). Use fewer epochs or larger batches, or split the run.',
      { field: 'totalSteps', value: totalSteps, max: MAX_TOTAL_STEPS },
    );
  }
  const values = new Array<number>(totalSteps);
  for (let step = 0; step < totalSteps; step++) {
    // Contexts built here are valid by construction: checked once above, not at every step.
    values[step] = valueAtUnchecked(schedule, {
      step,
      epoch: Math.floor(step / stepsPerEpoch),
      totalSteps,
      stepsPerEpoch,
    });
  }
  return values;
}
