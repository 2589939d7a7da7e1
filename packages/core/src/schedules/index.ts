export * from './types.js';
export { constant } from './constant.js';
export { linear, type RampScheduleOptions } from './linear.js';
export { cosine } from './cosine.js';
export {
  exponential,
  type ExponentialScheduleOptions,
  type ExponentialToOptions,
  type ExponentialRateOptions,
} from './exponential.js';
export { stepDecay, type StepDecayScheduleOptions } from './step-decay.js';
export { warmup, type WarmupScheduleOptions } from './warmup.js';
export { piecewise, type PiecewiseSegment, type PiecewiseScheduleOptions } from './piecewise.js';
export { fromFunction, type ScheduleFunction } from './from-function.js';
export { scheduleFromJSON, SCHEDULE_KINDS, MAX_SCHEDULE_DEPTH, type ScheduleFromJSONOptions } from './from-json.js';
export { resolveSchedule, isSchedule } from './resolve.js';
export { scheduleValues, type ScheduleRun } from './schedule-values.js';
