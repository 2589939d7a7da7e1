import type { KdRuntime, RuntimeInfo } from '@kd/core';
import type { Difference } from '../reference/compare.js';
import type { ToleranceSet } from '../reference/tolerance.js';

/** What every test group of the suite reads: the runtime under test, once it is up. */
export interface SuiteContext {
  /** The project name, e.g. `wasm-node`. */
  readonly name: string;
  runtime(): KdRuntime;
  info(): RuntimeInfo;
  tolerances(): ToleranceSet;
  /** Notes a measured difference for the summary printed when the suite ends. */
  record(group: string, difference: Difference): void;
}
