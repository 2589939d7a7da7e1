import '@tensorflow/tfjs-layers'; // registers every gradient kd's training needs (tfjs-core alone has none)

export * from './errors/kd-error.js';
export * from './runtime/types.js';
export * from './runtime/backend-runtime.js';
export * from './runtime/memory-model-store.js';
export * from './runtime/memory-teacher-cache.js';
export {
  yieldToEventLoop,
  timeSlicedYield,
  noYield,
  DEFAULT_YIELD_BUDGET_MS,
  type TimeSlicedYieldOptions,
} from './runtime/event-loop-yield.js';
export {
  validateRuntimeOptions,
  optionRules,
  RUNTIME_OPTION_RULES,
  type RuntimeOptions,
  type OptionRule,
} from './runtime/runtime-options.js';
export { cachedOutputsProblem, assertStorableOutputs } from './runtime/cached-outputs-check.js';
export { memoPromise, type MemoPromise } from './util/memo-promise.js';
export * from './losses/index.js';
export * from './schedules/index.js';
export * from './metrics/index.js';
export * from './teachers/index.js';
export * from './students/index.js';
export * from './trainer/index.js';
export * from './search/index.js';
export * from './io/index.js';
export { mulberry32, permutation } from './util/random.js';
export { MAX_EPOCHS, MAX_TOTAL_STEPS, PROBABILITY_ROW_SUM_TOLERANCE } from './values/index.js';
export type { EvaluateOptions } from './trainer/evaluate.js';
export * from './diagnostics/index.js';
export * from './teachers/out-of-fold-outputs.js';
export * from './teachers/stratified-folds.js';
export * from './transfer/index.js';
