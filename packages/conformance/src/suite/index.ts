import { registerConformanceSuite, type ConformanceSuiteOptions } from './define-conformance-suite.js';

export type { ConformanceSuiteOptions } from './define-conformance-suite.js';
export type { SuiteContext } from './context.js';

/**
 * This repository's entry to the suite: like `@kd/conformance/vitest`'s `defineConformanceSuite`,
 * and on cpu with `REGENERATE=1` it records fixtures/trajectories.json.
 *
 * @example
 * ```ts
 * import { wasmRuntime } from '@kd/wasm';
 * import { defineConformanceSuite } from '../src/suite/index.js';
 * defineConformanceSuite({ name: 'wasm-node', createRuntime: () => wasmRuntime() });
 * ```
 */
export function defineConformanceSuite(options: ConformanceSuiteOptions): void {
  registerConformanceSuite(options, { mayRegenerate: true });
}
