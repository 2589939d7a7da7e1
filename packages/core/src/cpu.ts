import '@tensorflow/tfjs-backend-cpu';
import { createBackendRuntime } from './runtime/backend-runtime.js';
import type { KdRuntime } from './runtime/types.js';

/**
 * The zero-setup runtime: tfjs's pure-JavaScript `cpu` backend, with an in-memory model store
 * and teacher cache. It is the reference the conformance suite compares every runtime against.
 *
 * @example
 * ```ts
 * import { cpuRuntime } from '@kd/core/cpu';
 * const runtime = cpuRuntime();
 * console.log(await runtime.init()); // { backend: 'cpu', floatPrecision: 32 }
 * ```
 */
export function cpuRuntime(): KdRuntime {
  return createBackendRuntime({
    name: 'cpu',
    backend: 'cpu',
    unavailableHint: 'Install @tensorflow/tfjs-backend-cpu at the same version as @tensorflow/tfjs-core.',
  });
}
