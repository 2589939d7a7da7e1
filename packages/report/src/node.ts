// The Node entry: everything in '@kd/report', and writing a run folder's report.html.
export * from './index.js';
export { writeReport } from './write-report.js';
