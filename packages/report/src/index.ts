// Browser-safe: nothing here imports a Node module (the charting library is read through
// process.getBuiltinModule when it runs in Node). File output is in '@kd/report/node'.
export { renderReport, type RenderReportOptions } from './render-report.js';
export { jsonForScriptTag } from './script-safe.js';
export type * from './types.js';
