import '@tensorflow/tfjs-backend-cpu'; // registers the cpu backend: this entry point has an import-time effect
import * as tf from '@tensorflow/tfjs-core';
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
    setup: skipNodeBanner,
    unavailableHint: 'Install @tensorflow/tfjs-backend-cpu at the same version as @tensorflow/tfjs-core.',
  });
}

/**
 * In Node, tfjs's cpu backend prints "Hi, looks like you are running TensorFlow.js in Node.js..."
 * on its first tensor. Here the cpu backend is the user's explicit choice (tfjs-node is
 * `nodeRuntime()`), and a library prints nothing it was not asked to: mark the backend as
 * already used. Only this one notice is affected; every other tfjs warning still shows.
 */
function skipNodeBanner(): void {
  // findBackend creates the backend instance (tfjs keeps it) without making it active.
  const backend = tf.findBackend('cpu') as { firstUse?: boolean } | null;
  if (backend && typeof backend.firstUse === 'boolean') backend.firstUse = false;
}
