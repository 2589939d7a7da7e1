import * as tf from '@tensorflow/tfjs-core';
import { setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { KdError } from '@kd/core';
import { isCustomStartConfig, type WasmStartConfig } from './wasm-runtime-options.js';

// The config this copy of @kd/wasm started the backend with; tfjs reads paths and flags once.
let startedWith: string | undefined;

/** Whether tfjs has already created the `wasm` backend in this engine. */
export function wasmBackendStarted(): boolean {
  // engine().registry, not tf.findBackend: findBackend would start the backend itself.
  return tf.engine().registry.wasm !== undefined;
}

/**
 * Hands paths, SIMD and thread settings to tfjs-backend-wasm before it starts. Once it has
 * started they cannot change: asking for different settings then is an error rather than a
 * silent no-op.
 */
export function configureWasmBackend(config: WasmStartConfig): void {
  const key = JSON.stringify(config);
  if (wasmBackendStarted()) {
    if (isCustomStartConfig(config) && startedWith !== key) {
      throw new KdError(
        'KD_INVALID_ARGUMENT',
        'The wasm backend already started' +
          (startedWith === undefined
            ? ' (by tf.setBackend or tf.ready before this runtime)'
            : ` with other settings (${startedWith})`) +
          `, so wasmPaths, simd and threads (${key}) can no longer apply. ` +
          'Create the first wasm runtime with the settings you want and reuse it, or leave these options out.',
        { requested: config, startedWith },
      );
    }
    return;
  }
  try {
    if (config.wasmPaths !== undefined) setWasmPaths(config.wasmPaths, config.usePlatformFetch);
  } catch (cause) {
    throw new KdError(
      'KD_BACKEND_UNAVAILABLE',
      `tfjs-backend-wasm refused the wasm paths: ${cause instanceof Error ? cause.message : String(cause)}. ` +
        'It takes paths only before its first start attempt; ' +
        'reload the page (or restart the process) and pass wasmPaths to the first runtime.',
      { wasmPaths: config.wasmPaths },
      { cause },
    );
  }
  if (!config.simd) tf.env().set('WASM_HAS_SIMD_SUPPORT', false);
  if (!config.threaded) tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  if (config.threadCount !== undefined) setThreadsCount(config.threadCount);
  startedWith = key;
}
