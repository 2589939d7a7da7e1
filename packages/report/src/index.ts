// The public API of @kd/report, written out by name; test/public-api.test.ts snapshots it.
// Browser-safe: nothing here imports a Node module (the charting library is read through
// process.getBuiltinModule when it runs in Node). File output is in '@kd/report/node'.

/* rendering a run's report.html */
export { renderReport, type RenderReportOptions } from './render-report.js';
export { jsonForScriptTag } from './script-safe.js';

/* what a report is made from: the files of a run folder */
export type {
  DeadSearchRun,
  HistoryRow,
  ModelEntry,
  ReliabilityBin,
  ReportInput,
  RunMetrics,
  SearchRowEntry,
  SoftTargetDiagnostics,
  Spread,
  TestMetrics,
} from './types.js';
