// The public API of @kd/core, written out by name: a new export is a decision, and
// test/public-api.test.ts shows it in review. Helpers that kd's own packages share but users do
// not need live in ./internal.ts (`@kd/core/internal`), which carries no compatibility promise.
//
// Each layer's index.ts is that layer's surface inside core; this file picks what is public.

// Registers every gradient kd's training needs (tfjs-core alone has none): this entry point has
// an import-time effect, which package.json's `sideEffects` declares.
import '@tensorflow/tfjs-layers';

/* errors */
export { KD_ERROR_CODES, KdError, isKdError } from './errors/kd-error.js';
export type { KdErrorCode } from './errors/kd-error.js';
export { KD_WARNING_CODES } from './errors/kd-warning.js';
export type { KdWarning, KdWarningCode } from './errors/kd-warning.js';

/* runtime: the contract every runtime implements, and the parts runtimes are built from */
export type { CachedTeacherOutputs, KdRuntime, ModelStore, RuntimeInfo, TeacherCache } from './runtime/types.js';
export { createBackendRuntime } from './runtime/backend-runtime.js';
export type { BackendRuntimeOptions } from './runtime/backend-runtime.js';
export { MemoryModelStore } from './runtime/memory-model-store.js';
export { MemoryTeacherCache } from './runtime/memory-teacher-cache.js';
export {
  DEFAULT_YIELD_BUDGET_MS,
  noYield,
  timeSlicedYield,
  yieldToEventLoop,
  type TimeSlicedYieldOptions,
} from './runtime/event-loop-yield.js';
export {
  RUNTIME_OPTION_RULES,
  optionRules,
  validateRuntimeOptions,
  type OptionRule,
  type RuntimeOptions,
} from './runtime/runtime-options.js';
export { assertStorableOutputs } from './runtime/cached-outputs-check.js';

/* model outputs */
export type { OutputKind } from './outputs/output-kind.js';

/* losses */
export {
  PROBABILITY_EPSILON,
  binaryDistillationLoss,
  binaryDistillationLossFromLogits,
  checkLossInputs,
  softmaxDistillationLoss,
} from './losses/index.js';
export type {
  BinaryDistillationLossArgs,
  BinaryDistillationLossFromLogitsArgs,
  CheckLossInputsArgs,
  DistillationLossName,
  DistillationLossOptions,
  LossParts,
  LossReduction,
  LossValue,
  SoftmaxDistillationLossArgs,
} from './losses/index.js';

/* schedules for alpha and temperature */
export {
  SCHEDULE_KINDS,
  constant,
  cosine,
  exponential,
  fromFunction,
  isSchedule,
  linear,
  piecewise,
  resolveSchedule,
  scheduleFromJSON,
  scheduleValues,
  stepDecay,
  warmup,
} from './schedules/index.js';
export type {
  ConstantScheduleJSON,
  ExponentialRateOptions,
  ExponentialScheduleJSON,
  ExponentialScheduleOptions,
  ExponentialToOptions,
  FunctionScheduleJSON,
  PiecewiseScheduleJSON,
  PiecewiseScheduleOptions,
  PiecewiseSegment,
  RampScheduleJSON,
  RampScheduleOptions,
  Schedule,
  ScheduleContext,
  ScheduleFromJSONOptions,
  ScheduleFunction,
  ScheduleJSON,
  ScheduleKind,
  ScheduleRun,
  ScheduleUnit,
  StepDecayScheduleJSON,
  StepDecayScheduleOptions,
  WarmupScheduleJSON,
  WarmupScheduleOptions,
} from './schedules/index.js';

/* metrics */
export {
  METRIC_NAMES,
  accuracy,
  aucRoc,
  brierScore,
  computeMetrics,
  expectedCalibrationError,
  isMetricName,
  logLoss,
  metricDirection,
  multiclassAccuracy,
  multiclassAucRoc,
  multiclassBrierScore,
  multiclassExpectedCalibrationError,
  multiclassLogLoss,
} from './metrics/index.js';
export type { CalibrationOptions, MetricInputs, MetricName } from './metrics/index.js';

/* teachers */
// fingerprintData: the default data half of a teacher-cache key, for precomputing keys yourself.
export { computeTeacherOutputs, ensemble, fingerprintData, precomputedTeacher, teacher } from './teachers/index.js';
export type {
  ComputeTeacherOutputsOptions,
  EnsembleCombine,
  EnsembleOptions,
  GraphModelLike,
  LayersModelLike,
  PrecomputedTeacherOptions,
  PredictDatasetOptions,
  Teacher,
  TeacherOptions,
  TeacherOutputs,
  TeacherSource,
} from './teachers/index.js';

/* students */
export { customStudent, layersStudent } from './students/index.js';
export type {
  CustomStudent,
  CustomStudentSpec,
  LayersStudentOptions,
  Student,
  TrainableLayersModel,
} from './students/index.js';

/* training */
export {
  consoleProgress,
  distill,
  evaluateStudent,
  evaluateTeacher,
  memoryCheckpointStore,
  streamingData,
  trainFromScratch,
} from './trainer/index.js';
export type {
  BatchLog,
  Checkpoint,
  CheckpointOptions,
  CheckpointStore,
  CheckpointTensor,
  DistillCallbacks,
  DistillOptions,
  DistillResult,
  EarlyStoppingOptions,
  EpochLog,
  LabeledData,
  RunDiagnostics,
  StreamBatch,
  StreamingData,
  StreamingDataOptions,
  TrainBeginLog,
  TrainOptions,
  TrainingData,
  TransferCommonOptions,
  TransferMethod,
  TransferOptions,
  UnlabeledData,
  UnlabeledStream,
  UnlabeledStreamBatch,
  ValidationOption,
} from './trainer/index.js';
export type { EvaluateOptions } from './trainer/evaluate.js';

/* alpha and temperature search */
export {
  DEAD_RUN_DEFAULTS,
  DEFAULT_SEARCH_TEMPERATURES,
  formatSearchTable,
  searchAlpha,
  searchDistillation,
} from './search/index.js';
export type {
  DeadReason,
  DeadRunOptions,
  HalvingRung,
  SearchAlphaOptions,
  SearchAlphaResult,
  SearchFailure,
  SearchHalving,
  SearchRow,
  SearchRun,
  SuccessiveHalvingOptions,
} from './search/index.js';

/* diagnostics: do the soft targets carry anything beyond the labels, and how much of the gap closed */
export { NEARLY_LABELS_THRESHOLD, gapClosed, softTargetSharpness, teacherSharpness } from './diagnostics/index.js';
export type {
  GapClosed,
  GapClosedOptions,
  QualityPoint,
  SoftTargetSharpness,
  SoftTargetSharpnessOptions,
  TeacherSharpnessOptions,
} from './diagnostics/index.js';

/* out-of-fold teacher targets */
export { outOfFoldOutputs } from './teachers/out-of-fold-outputs.js';
export type { OutOfFoldOptions, OutOfFoldResult } from './teachers/out-of-fold-outputs.js';
export { stratifiedFolds } from './teachers/stratified-folds.js';

/* transfer sets: seeded generators of unlabelled rows */
export { gaussianNoise, mixup, munge } from './transfer/index.js';
export type { GaussianNoiseOptions, MixupOptions, MungeOptions } from './transfer/index.js';

/* limits and tolerances every entry point applies */
export { MAX_EPOCHS, MAX_TOTAL_STEPS, PROBABILITY_ROW_SUM_TOLERANCE } from './values/index.js';
export { MAX_SCHEDULE_DEPTH } from './schedules/from-json.js';

/* saved models: reading model.json and its weight paths safely (shared by the node and browser stores) */
export { checkModelJson, checkWeightPath, checkWeightPaths, parseModelJson, weightBytes } from './io/index.js';

/* what a saved model needs done to a raw row (preprocessing.json, written by the kd command, read by its loaders) */
export type { Preprocessing } from './io/index.js';
