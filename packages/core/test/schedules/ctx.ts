import type { ScheduleContext } from '../../src/schedules/index.js';

/** The context of `step` in a run of `totalSteps` steps with `stepsPerEpoch` steps per epoch. */
export function ctxAt(step: number, totalSteps: number, stepsPerEpoch = totalSteps): ScheduleContext {
  return { step, epoch: Math.floor(step / stepsPerEpoch), totalSteps, stepsPerEpoch };
}
