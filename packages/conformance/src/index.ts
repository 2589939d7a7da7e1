export { runConformance } from './run/run-conformance.js';
export { discoverRuntimes, KNOWN_RUNTIMES, type KnownRuntime } from './run/runtime-candidates.js';
export type {
  ConformanceOptions,
  ConformanceRow,
  ConformanceStatus,
  RuntimeCandidate,
  StudentModule,
} from './run/types.js';
export { formatTable } from './cli/format-table.js';
export { tolerancesFor, type Tolerance, type ToleranceSet } from './reference/tolerance.js';
export { compareValues, type Difference } from './reference/compare.js';
