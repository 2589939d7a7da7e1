/**
 * The conformance suite as vitest tests, for runtimes written outside this repository (the way
 * tfjs backends run tfjs-core's shared tests). Import it from a vitest test file; vitest must be
 * installed (it is an optional peer dependency).
 *
 * @packageDocumentation
 */
import { registerConformanceSuite, type ConformanceSuiteOptions } from './suite/define-conformance-suite.js';

export type { ConformanceSuiteOptions } from './suite/define-conformance-suite.js';
export type { CorruptCacheEntry } from './checks/teacher-cache-corruption.js';
export { tolerancesFor, type Tolerance, type ToleranceSet } from './reference/tolerance.js';

/**
 * Registers the whole conformance suite (vitest `describe`/`it`) for one runtime: float64 loss,
 * schedule and ensemble fixtures, training parity with the committed cpu trajectories, export →
 * reload through `runtime.models`, the `runtime.cache` contract (round trip, corrupt entries
 * rebuilt), re-activation after another runtime took the engine, `nextTick`, tensor hygiene and
 * error codes. A runtime that cannot start fails every test.
 *
 * @example
 * ```ts
 * // my-runtime.conformance.test.ts
 * import { defineConformanceSuite } from '@kd/conformance/vitest';
 * import { myRuntime } from './my-runtime.js';
 *
 * defineConformanceSuite({ name: 'my-runtime', createRuntime: () => myRuntime() });
 * ```
 */
export function defineConformanceSuite(options: ConformanceSuiteOptions): void {
  registerConformanceSuite(options, { mayRegenerate: false });
}
