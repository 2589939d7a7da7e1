export { wasmRuntime, type WasmRuntimeInfo } from './runtime/wasm-runtime.js';
export type { WasmRuntimeOptions } from './runtime/wasm-runtime-options.js';
export { WASM_BINARY_NAMES, type WasmBinaryName, type WasmPaths } from './paths/wasm-paths.js';
export {
  FILLED_KERNELS,
  GUARDED_KERNELS,
  registerWasmTrainingKernels,
  type TrainingKernelReport,
} from './kernels/register-training-kernels.js';
