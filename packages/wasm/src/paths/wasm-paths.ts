import { KdError } from '@kd/core';

/** The three binaries tfjs-backend-wasm chooses from (plain, SIMD, SIMD + threads). */
export const WASM_BINARY_NAMES = [
  'tfjs-backend-wasm.wasm',
  'tfjs-backend-wasm-simd.wasm',
  'tfjs-backend-wasm-threaded-simd.wasm',
] as const;

/** One of {@link WASM_BINARY_NAMES}. */
export type WasmBinaryName = (typeof WASM_BINARY_NAMES)[number];

/**
 * Where the `.wasm` binaries are served from: a folder URL (or path) the three file names are
 * appended to, or a URL per binary (for renamed or hashed assets).
 */
export type WasmPaths = string | Record<WasmBinaryName, string>;

/**
 * Checks `paths` and returns it in the form tfjs's `setWasmPaths` takes: a folder gets a
 * trailing `/` (tfjs appends the file name to the prefix as is, so `'/assets'` would fetch
 * `/assetstfjs-backend-wasm.wasm`), and a map must name all three binaries.
 */
export function normalizeWasmPaths(paths: WasmPaths): WasmPaths {
  if (typeof paths === 'string') {
    if (paths.trim() === '') {
      throw new KdError(
        'KD_INVALID_ARGUMENT',
        'wasmPaths is an empty string. Pass the folder URL the .wasm files are served from (e.g. "/assets/tfjs-wasm/") or leave it out in Node.',
        {},
      );
    }
    return paths.endsWith('/') ? paths : `${paths}/`;
  }
  if (typeof paths !== 'object' || paths === null) {
    throw new KdError(
      'KD_INVALID_ARGUMENT',
      `wasmPaths must be a folder URL or a map from binary name to URL, got ${typeof paths}.`,
      {},
    );
  }
  const missing = WASM_BINARY_NAMES.filter((name) => typeof paths[name] !== 'string' || paths[name].trim() === '');
  const unknown = Object.keys(paths).filter((k) => !(WASM_BINARY_NAMES as readonly string[]).includes(k));
  if (missing.length > 0 || unknown.length > 0) {
    throw new KdError(
      'KD_INVALID_ARGUMENT',
      `wasmPaths as a map must give a URL for each of ${WASM_BINARY_NAMES.join(', ')}` +
        (missing.length ? `; missing: ${missing.join(', ')}` : '') +
        (unknown.length ? `; unknown: ${unknown.join(', ')}` : '') +
        '. tfjs picks the binary at run time from what the engine supports, so it needs all three; ' +
        'or pass one folder URL instead.',
      { missing, unknown },
    );
  }
  return { ...paths };
}

/** The binary tfjs-backend-wasm loads for these capabilities (its own rule). */
export function chosenWasmBinary(simd: boolean, threads: boolean): WasmBinaryName {
  if (simd && threads) return 'tfjs-backend-wasm-threaded-simd.wasm';
  return simd ? 'tfjs-backend-wasm-simd.wasm' : 'tfjs-backend-wasm.wasm';
}
