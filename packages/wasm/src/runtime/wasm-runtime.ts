import * as tf from '@tensorflow/tfjs-core';
import { getThreadsCount, version_wasm } from '@tensorflow/tfjs-backend-wasm';
import { createBackendRuntime, type KdRuntime, type RuntimeInfo } from '@kd/core';
import { registerWasmTrainingKernels, type TrainingKernelReport } from '../kernels/register-training-kernels.js';
import { chosenWasmBinary, type WasmBinaryName } from '../paths/wasm-paths.js';
import { configureWasmBackend } from './wasm-backend-start.js';
import { isCrossOriginIsolated, runtimePlatform } from './wasm-environment.js';
import { resolveStartConfig, type WasmRuntimeOptions } from './wasm-runtime-options.js';

/** What {@link wasmRuntime}'s `init()` reports. */
export interface WasmRuntimeInfo extends RuntimeInfo {
  /** Whether the SIMD binary runs. */
  simd: boolean;
  /** XNNPACK threads in use (always 1 in Node). */
  threads: number;
  /** Where the runtime runs. */
  platform: 'node' | 'browser';
  /** Whether the page is cross-origin isolated (SharedArrayBuffer threads possible); false in Node. */
  crossOriginIsolated: boolean;
  /** Which of the three `.wasm` binaries loaded. */
  binary: WasmBinaryName;
  /** Version of `@tensorflow/tfjs-backend-wasm`. */
  tfjsBackendWasm: string;
  /** Which training kernels kd filled in, kept (tfjs had them) or guarded. */
  kernels: TrainingKernelReport | undefined;
}

const BROWSER_HINT =
  'In a browser, serve the three .wasm files from node_modules/@tensorflow/tfjs-backend-wasm/dist and pass their ' +
  'folder URL as wasmPaths (see docs/runtimes/wasm.md); the browser console shows which URL failed.';
const NODE_HINT =
  'Node needs no wasmPaths; if you passed some, check that the folder holds the three .wasm files ' +
  '(the warning tfjs printed above names the file it tried). ' +
  'Otherwise install @tensorflow/tfjs-backend-wasm at the same version as @tensorflow/tfjs-core (4.22.0).';

/**
 * The kd runtime on `@tensorflow/tfjs-backend-wasm`, for Node and browsers, with the kernels a
 * convolutional student needs to train there (tfjs's wasm backend lacks several gradients).
 *
 * Creating it only validates the options. `init()` registers the training kernels, hands
 * paths / SIMD / thread settings to tfjs, starts the backend and reports what it got: SIMD,
 * the thread count and which binary loaded. Models and teacher outputs stay in memory unless
 * `models` / `cache` say otherwise.
 *
 * @example
 * ```ts
 * import { wasmRuntime } from '@kd/wasm';
 * const runtime = wasmRuntime({ wasmPaths: '/assets/tfjs-wasm/' }); // browser; Node needs no paths
 * const info = await runtime.init();
 * console.log(info.simd, info.threads, info.binary); // true 1 'tfjs-backend-wasm-simd.wasm'
 * ```
 */
export function wasmRuntime(options?: WasmRuntimeOptions): KdRuntime<WasmRuntimeInfo> {
  const config = resolveStartConfig(options);
  let kernels: TrainingKernelReport | undefined;
  return createBackendRuntime<WasmRuntimeInfo>({
    name: 'wasm',
    backend: 'wasm',
    models: options?.models,
    cache: options?.cache,
    unavailableHint: runtimePlatform() === 'browser' ? BROWSER_HINT : NODE_HINT,
    setup() {
      kernels = registerWasmTrainingKernels();
      configureWasmBackend(config);
    },
    async describe() {
      const simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
      const threaded = Boolean(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'));
      return {
        simd,
        threads: Math.max(1, getThreadsCount()),
        platform: runtimePlatform(),
        crossOriginIsolated: isCrossOriginIsolated(),
        binary: chosenWasmBinary(simd, threaded),
        tfjsBackendWasm: version_wasm,
        kernels,
      };
    },
  });
}
