import type { KdRuntime, RuntimeInfo } from '@kd/core';
import type { CorruptCacheEntry } from '../checks/teacher-cache-corruption.js';
import type { Difference } from '../reference/compare.js';
import type { ToleranceSet } from '../reference/tolerance.js';

/** What every test group of the suite reads: the runtime under test, once it is up. */
export interface SuiteContext {
  /** The project name, e.g. `wasm-node`. */
  readonly name: string;
  runtime(): KdRuntime;
  info(): RuntimeInfo;
  tolerances(): ToleranceSet;
  /** Whether this run records the reference trajectories instead of comparing with them. */
  regenerating(): boolean;
  /** Damages the stored form of a `runtime.cache` entry (see `ConformanceSuiteOptions.corruptCacheEntry`). */
  corruptCacheEntry: CorruptCacheEntry;
  /** Notes a measured difference for the summary printed when the suite ends. */
  record(group: string, difference: Difference): void;
}
