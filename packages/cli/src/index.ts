// Everything the `kd` command does, one import away.
export { runDistill, type DistillRunOptions, type DistillRunResult } from './run/distill-run.js';
export { runTrainTeacher, type TrainTeacherRunOptions, type TrainTeacherRunResult } from './run/train-teacher-run.js';
export { runSearchAlpha, type SearchAlphaRunOptions, type SearchAlphaRunResult } from './run/search-alpha-run.js';
export { runEvaluate, type EvaluateRunOptions, type EvaluateRunResult } from './run/evaluate-run.js';
export { runInspect, type InspectRunOptions, type InspectedModel } from './run/inspect-run.js';
export { runExport, type ExportRunOptions, type ExportRunResult } from './run/export-run.js';
export type { TeacherStudentOptions, TeacherTargets } from './run/distill-inputs.js';
export type { RuntimeName } from './run/runtimes.js';
// The metrics.json / history.jsonl contract is defined once, by the report that reads it.
export type {
  DeadSearchRun,
  HistoryRow,
  ModelEntry,
  ReliabilityBin,
  RunMetrics,
  SoftTargetDiagnostics,
  Spread,
  TestMetrics,
} from '@kd/report';
export type { SearchRowEntry } from './run/search-alpha-run.js';
export type { RunEvent, OnEvent } from './output/events.js';
export type { EarlyStoppingSummary } from './run/train-model.js';
export { prepareData, type DataOptions, type PreparedData } from './data/prepare-data.js';
export { readDataset, type Dataset, type DataSpec } from './data/dataset.js';
export { stratifiedSplit, type SplitIndices } from './data/split.js';
export { applyPreprocessing, readPreprocessing, type Preprocessing } from './data/preprocessing.js';
export { buildModel, MODEL_PRESETS, type ModelFactory, type ModelFactoryInput } from './models/model-spec.js';
export { loadModel, modelLocations, type LoadedModel } from './models/load-model.js';
export { flopsPerSample } from './models/model-flops.js';
export { quantizeWeights, type QuantizeDtype } from './models/quantize.js';
export { main, buildProgram, EXIT, type CliContext } from './commands/program.js';
export { COMMANDS, GLOBAL_OPTIONS } from './commands/definitions.js';
export type { CommandDef, OptionDef, ArgumentDef } from './commands/option-types.js';
export { cliReference, withReference } from './commands/reference.js';
export { readConfig, type ConfigValues } from './config/config-file.js';
export { checkOutputFolder } from './run/run-folder.js';
export { commandDef } from './commands/definitions.js';
