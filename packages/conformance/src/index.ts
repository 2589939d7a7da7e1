// The public API of @kd/conformance, written out by name; test/tooling/public-api.test.ts snapshots it.

/* running the suite on the runtimes of this machine (what `npx kd-conformance` does) */
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

/* comparing numbers with the float64 fixtures */
export { tolerancesFor, type Tolerance, type ToleranceSet } from './reference/tolerance.js';
export { compareValues, type Difference } from './reference/compare.js';
