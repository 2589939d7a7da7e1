import { optionRules, RUNTIME_OPTION_RULES, validateRuntimeOptions, type RuntimeOptions } from '@kd/core';
import { normalizeWasmPaths, type WasmPaths } from '../paths/wasm-paths.js';

/** Options for {@link wasmRuntime}. */
export interface WasmRuntimeOptions extends RuntimeOptions {
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
export function resolveStartConfig(options: WasmRuntimeOptions | undefined): WasmStartConfig {
  const o = validateRuntimeOptions('wasmRuntime', options, {
    ...RUNTIME_OPTION_RULES,
    // normalizeWasmPaths checks the paths themselves, with messages that name the binaries.
    wasmPaths: () => undefined,
    usePlatformFetch: optionRules.boolean,
    simd: optionRules.boolean,
    threads: optionRules.either(optionRules.boolean, optionRules.wholeNumber(1)),
  });
  const { simd = true, threads = true, usePlatformFetch = false } = o;
  const threaded = threads === true || (typeof threads === 'number' && threads > 1);
  return {
    ...(o.wasmPaths !== undefined ? { wasmPaths: normalizeWasmPaths(o.wasmPaths) } : {}),
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
