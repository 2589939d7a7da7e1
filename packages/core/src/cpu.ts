import '@tensorflow/tfjs-backend-cpu'; // registers the cpu backend: this entry point has an import-time effect
import * as tf from '@tensorflow/tfjs-core';
import { createBackendRuntime } from './runtime/backend-runtime.js';
import { RUNTIME_OPTION_RULES, validateRuntimeOptions, type RuntimeOptions } from './runtime/runtime-options.js';
import type { KdRuntime, RuntimeInfo } from './runtime/types.js';

/** Options for {@link cpuRuntime}: where models and teacher outputs go (default: memory). */
export type CpuRuntimeOptions = RuntimeOptions;

/** What {@link cpuRuntime}'s `init()` reports: the cpu backend has no facts beyond the common ones. */
export type CpuRuntimeInfo = RuntimeInfo;

/**
 * The zero-setup runtime: tfjs's pure-JavaScript `cpu` backend, with an in-memory model store
 * and teacher cache unless `models` / `cache` say otherwise. It is the reference the conformance
 * suite compares every runtime against. Its `nextTick` gives the event loop a turn every ~10 ms
 * of training, so timers and abort signals fire during a run.
 *
 * @example
 * ```ts
 * import { cpuRuntime } from '@kd/core/cpu';
 * const runtime = cpuRuntime();
 * console.log(await runtime.init()); // { backend: 'cpu', floatPrecision: 32 }
 * ```
 */
export function cpuRuntime(options?: CpuRuntimeOptions): KdRuntime<CpuRuntimeInfo> {
  const { models, cache } = validateRuntimeOptions('cpuRuntime', options, RUNTIME_OPTION_RULES);
  return createBackendRuntime({
    name: 'cpu',
    backend: 'cpu',
    models,
    cache,
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
