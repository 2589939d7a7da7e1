import { createBackendRuntime, isKdError, KdError, type KdRuntime } from '@kd/core';

/**
 * What to run on when WebGL is missing: `'wasm'` (the `@kd/wasm` runtime), `'cpu'` (tfjs's
 * JavaScript kernels, slow but everywhere) or a function that returns any runtime.
 */
export type BrowserFallback = 'wasm' | 'cpu' | (() => KdRuntime | Promise<KdRuntime>);

/** The part of `@kd/wasm` a `'wasm'` fallback uses. */
export interface KdWasmModule {
  wasmRuntime(): KdRuntime;
}

/** The name `'wasm'` fallbacks import by default. */
export const KD_WASM_MODULE = '@kd/wasm';

/**
 * Imports `@kd/wasm` by name at run time. Bundlers do not follow this import (so apps that never
 * fall back to wasm do not need the package); a bundled app that wants the wasm fallback passes
 * `loadWasm: () => import('@kd/wasm')` or `fallback: () => wasmRuntime()` instead.
 */
export function importKdWasm(): Promise<KdWasmModule> {
  const specifier: string = KD_WASM_MODULE;
  return import(/* @vite-ignore */ /* webpackIgnore: true */ specifier) as Promise<KdWasmModule>;
}

/** Builds the runtime a fallback names. Failures become `KD_BACKEND_UNAVAILABLE`. */
export async function fallbackRuntime(
  fallback: BrowserFallback,
  loadWasm: () => Promise<KdWasmModule>,
): Promise<KdRuntime> {
  if (fallback === 'cpu') return cpuFallback();
  if (fallback === 'wasm') {
    let mod: KdWasmModule;
    try {
      mod = await loadWasm();
    } catch (cause) {
      throw new KdError(
        'KD_BACKEND_UNAVAILABLE',
        `The wasm fallback could not load ${KD_WASM_MODULE}: ${(cause as Error)?.message ?? String(cause)}. ` +
          `Install ${KD_WASM_MODULE} and, in a bundled app, ` +
          `pass browserRuntime({ fallback: 'wasm', loadWasm: () => import('${KD_WASM_MODULE}') }) ` +
          'so the bundler includes it.',
        { fallback: 'wasm' },
        { cause },
      );
    }
    if (typeof mod?.wasmRuntime !== 'function') {
      throw new KdError(
        'KD_BACKEND_UNAVAILABLE',
        `${KD_WASM_MODULE} was loaded but has no wasmRuntime() export. Check that its version matches @kd/browser.`,
        { fallback: 'wasm' },
      );
    }
    return mod.wasmRuntime();
  }
  if (typeof fallback === 'function') {
    const runtime = await fallback();
    if (!runtime || typeof runtime.init !== 'function') {
      throw new KdError(
        'KD_INVALID_ARGUMENT',
        'A fallback function must return a kd runtime (an object with init(), hasKernel(), models and cache).',
      );
    }
    return runtime;
  }
  throw new KdError(
    'KD_INVALID_ARGUMENT',
    `Unknown fallback ${JSON.stringify(fallback)}; use 'wasm', 'cpu' or a function that returns a runtime.`,
    { fallback },
  );
}

function cpuFallback(): KdRuntime {
  return createBackendRuntime({
    name: 'cpu',
    backend: 'cpu',
    unavailableHint: 'Install @tensorflow/tfjs-backend-cpu at the same version as @tensorflow/tfjs-core.',
    async setup() {
      try {
        await import('@tensorflow/tfjs-backend-cpu');
      } catch (cause) {
        if (isKdError(cause)) throw cause;
        throw new KdError(
          'KD_BACKEND_UNAVAILABLE',
          `The cpu fallback could not import @tensorflow/tfjs-backend-cpu: ${(cause as Error)?.message}. ` +
            'Install it at the same version as @tensorflow/tfjs-core.',
          { fallback: 'cpu' },
          { cause },
        );
      }
    },
  });
}
