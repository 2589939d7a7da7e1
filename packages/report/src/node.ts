// The Node entry, written out by name: everything in '@kd/report', and writing a run folder's
// report.html. test/public-api.test.ts snapshots it.

export {
  jsonForScriptTag,
  renderReport,
  type HistoryRow,
  type ModelEntry,
  type ReliabilityBin,
  type RenderReportOptions,
  type ReportInput,
  type RunMetrics,
  type Spread,
  type TestMetrics,
} from './index.js';

/* writing report.html into a run folder */
export { writeReport } from './write-report.js';
