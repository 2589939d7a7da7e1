import type * as tf from '@tensorflow/tfjs-core';

/**
 * What every runtime reports once its backend is up. Each runtime extends it with the facts of
 * its place (`NodeRuntimeInfo` in `@kd/node`, `WasmRuntimeInfo` in `@kd/wasm`,
 * `BrowserRuntimeInfo` in `@kd/browser`); core reads only these two fields.
 */
export interface RuntimeInfo {
  /** tfjs backend name actually in use, e.g. `cpu`, `wasm`, `webgl`, `tensorflow`. */
  backend: string;
  /** Float precision of the backend's kernels; tolerances in tests follow it. */
  floatPrecision: 16 | 32;
}

/** Saves and loads models (students and teachers) in the place a runtime knows. */
export interface ModelStore {
  /** A tfjs IOHandler that saves to `key` (a name, path or URL the store understands). */
  saveHandler(key: string): tf.io.IOHandler;
  /** A tfjs IOHandler that loads from `key`. */
  loadHandler(key: string): tf.io.IOHandler;
  /** Keys currently stored (where the store can list them). */
  list(): Promise<string[]>;
  remove(key: string): Promise<void>;
}

/** Teacher outputs stored for one (teacher, data set) pair. */
export interface CachedTeacherOutputs {
  /** Row-major values, `shape[0]` rows. */
  values: Float32Array;
  shape: number[];
  /** Whether values are logits or probabilities. */
  kind: 'logits' | 'probabilities';
}

/**
 * Where teacher outputs persist between runs (memory, disk, IndexedDB). The cache holds derived
 * data only: anything in it can be recomputed from the teacher, so it never stops training.
 *
 * The contract every implementation keeps (the conformance suite checks it):
 * - **A corrupt entry is a miss.** When a stored entry cannot be trusted (truncated, checksum
 *   mismatch, another key's record, values the stored form cannot hold), `get` deletes it and
 *   resolves `undefined`; it never throws for corruption and never returns partial values.
 * - **Values come back as they went in**, within the precision the cache documents; a cache that
 *   cannot represent a value (e.g. beyond float16's ±65504) stores it some other exact way or
 *   refuses it, never hands back ±Infinity.
 * - **Storage that cannot be written degrades to no cache**: `set` then resolves without storing
 *   (one warning per cache, where the platform has a warning channel) instead of failing the run.
 *
 * Core adds the check of a fresh teacher output to every hit: an entry whose values are not
 * finite, whose probabilities leave [0, 1] or whose shape does not fit the data is deleted and
 * the outputs are recomputed and stored again.
 *
 * @example
 * ```ts
 * await cache.set('teacher@v1|data', { values, shape: [n, 10], kind: 'logits' });
 * const hit = await cache.get('teacher@v1|data'); // undefined when missing or corrupt
 * ```
 */
export interface TeacherCache {
  /** The entry stored under `key`; `undefined` when there is none or it was corrupt (then deleted). */
  get(key: string): Promise<CachedTeacherOutputs | undefined>;
  /** Stores a copy of `outputs` under `key`, replacing any entry there. */
  set(key: string, outputs: CachedTeacherOutputs): Promise<void>;
  /** Removes the entry of `key`, if any. */
  delete(key: string): Promise<void>;
  /** Removes every entry of this cache (and nothing else). */
  clear(): Promise<void>;
}

/**
 * The boundary between `@kd/core` and a place tensors live. `@kd/core` never imports a backend:
 * every entry point that trains takes a runtime.
 */
export interface KdRuntime<Info extends RuntimeInfo = RuntimeInfo> {
  readonly name: string;
  /**
   * Idempotent: brings the backend up (setBackend + ready) and says what it got. Called again
   * after another runtime switched tfjs to its backend, it switches tfjs back.
   */
  init(): Promise<Info>;
  /** Whether the runtime's backend has a kernel of this name (e.g. `Conv2DBackpropFilter`). */
  hasKernel(kernelName: string): boolean;
  readonly models: ModelStore;
  readonly cache: TeacherCache;
  /**
   * Called by the training loop after every batch: yields to the event loop (or the page) often
   * enough that timers, `AbortSignal`s and input get their turn, e.g. once per ~10 ms of work
   * (`timeSlicedYield()`). `createBackendRuntime` provides that by default.
   */
  nextTick(): Promise<void>;
}
