// The public API of @kd/wasm, written out by name; test/public-api.test.ts snapshots it.

/* the runtime */
export { wasmRuntime, type WasmRuntimeInfo } from './runtime/wasm-runtime.js';
export type { WasmRuntimeOptions } from './runtime/wasm-runtime-options.js';

/* where the .wasm binaries are served from */
export { WASM_BINARY_NAMES, type WasmBinaryName, type WasmPaths } from './paths/wasm-paths.js';

/* the training kernels kd adds to stock tfjs-backend-wasm */
export {
  FILLED_KERNELS,
  GUARDED_KERNELS,
  registerWasmTrainingKernels,
  type TrainingKernelReport,
} from './kernels/register-training-kernels.js';
