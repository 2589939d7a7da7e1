import { KdError, type ModelStore, type TeacherCache } from '@kd/core';
import { normalizeWasmPaths, type WasmPaths } from '../paths/wasm-paths.js';

/** Options for {@link wasmRuntime}. */
export interface WasmRuntimeOptions {
  /**
   * Where the browser fetches the `.wasm` binaries from: the folder URL they are served under
   * (e.g. `'/assets/tfjs-wasm/'` or a CDN folder) or a URL per binary. Not needed in Node, which
   * reads them from the package folder. Applied with tfjs's `setWasmPaths` before the backend
   * starts.
   */
  wasmPaths?: WasmPaths;
  /** Fetch the binaries with tfjs's platform fetch instead of Emscripten's loader (default false). */
  usePlatformFetch?: boolean;
  /**
   * `false` loads the plain binary even where WebAssembly SIMD works (for comparisons or engines
   * whose SIMD misbehaves). Default: SIMD wherever the engine supports it.
   */
  simd?: boolean;
  /**
   * Threads for XNNPACK. Default (`true`): the threaded binary where the page is cross-origin
   * isolated (SharedArrayBuffer available), one thread per core. A number sets the count;
   * `false` or `1` keeps one thread. Node always runs one thread (tfjs-backend-wasm does not
   * thread there).
   */
  threads?: boolean | number;
  /** Model store (default: in memory). */
  models?: ModelStore;
  /** Teacher cache (default: in memory). */
  cache?: TeacherCache;
}

/** The part of the options that configures the backend before it starts. */
export interface WasmStartConfig {
  wasmPaths?: WasmPaths;
  usePlatformFetch: boolean;
  simd: boolean;
  /** `undefined`: tfjs's default count. */
  threadCount?: number;
  threaded: boolean;
}

/** Validates options up front (before any training) and reduces them to what starts the backend. */
export function resolveStartConfig(options: WasmRuntimeOptions): WasmStartConfig {
  const { simd = true, threads = true, usePlatformFetch = false } = options;
  if (typeof simd !== 'boolean') {
    throw new KdError('KD_INVALID_ARGUMENT', `simd must be true or false, got ${String(simd)}.`, { simd });
  }
  if (typeof usePlatformFetch !== 'boolean') {
    throw new KdError(
      'KD_INVALID_ARGUMENT',
      `usePlatformFetch must be true or false, got ${String(usePlatformFetch)}.`,
      { usePlatformFetch },
    );
  }
  if (typeof threads !== 'boolean' && !(Number.isInteger(threads) && threads >= 1)) {
    throw new KdError(
      'KD_INVALID_ARGUMENT',
      `threads must be true, false or a whole number >= 1, got ${String(threads)}.`,
      { threads },
    );
  }
  const threaded = threads === true || (typeof threads === 'number' && threads > 1);
  return {
    ...(options.wasmPaths !== undefined ? { wasmPaths: normalizeWasmPaths(options.wasmPaths) } : {}),
    usePlatformFetch,
    simd,
    threaded,
    ...(typeof threads === 'number' && threads > 1 ? { threadCount: threads } : {}),
  };
}

/** Whether a config asks for anything beyond tfjs's defaults (which only apply before start). */
export function isCustomStartConfig(config: WasmStartConfig): boolean {
  return (
    config.wasmPaths !== undefined ||
    config.usePlatformFetch ||
    !config.simd ||
    !config.threaded ||
    config.threadCount !== undefined
  );
}
