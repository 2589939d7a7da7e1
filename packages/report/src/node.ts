// The Node entry, written out by name: everything in '@kd/report', and writing a run folder's
// report.html. test/public-api.test.ts snapshots it.

export {
  jsonForScriptTag,
  type DeadSearchRun,
  renderReport,
  type HistoryRow,
  type ModelEntry,
  type ReliabilityBin,
  type RenderReportOptions,
  type ReportInput,
  type RunMetrics,
  type SearchRowEntry,
  type SoftTargetDiagnostics,
  type Spread,
  type TestMetrics,
} from './index.js';

/* writing report.html into a run folder */
export { writeReport } from './write-report.js';
