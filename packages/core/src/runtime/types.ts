import type * as tf from '@tensorflow/tfjs-core';

/** What a runtime reports once its backend is up. */
export interface RuntimeInfo {
  /** tfjs backend name actually in use, e.g. `cpu`, `wasm`, `webgl`, `tensorflow`. */
  backend: string;
  /** Float precision of the backend's kernels; tolerances in tests follow it. */
  floatPrecision: 16 | 32;
  simd?: boolean;
  threads?: number;
  /** Free-form extra facts (library versions, paths). */
  extra?: Record<string, unknown>;
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

/** Where teacher outputs persist between runs (memory, disk, IndexedDB). */
export interface TeacherCache {
  get(key: string): Promise<CachedTeacherOutputs | undefined>;
  set(key: string, outputs: CachedTeacherOutputs): Promise<void>;
  delete(key: string): Promise<void>;
  clear(): Promise<void>;
}

/**
 * The boundary between `@kd/core` and a place tensors live. `@kd/core` never imports a backend:
 * every entry point that trains takes a runtime.
 */
export interface KdRuntime {
  readonly name: string;
  /** Idempotent: brings the backend up (setBackend + ready) and says what it got. */
  init(): Promise<RuntimeInfo>;
  /** Whether the runtime's backend has a kernel of this name (e.g. `Conv2DBackpropFilter`). */
  hasKernel(kernelName: string): boolean;
  readonly models: ModelStore;
  readonly cache: TeacherCache;
  /** Yield to the event loop or the next frame between steps (browsers). */
  nextTick?(): Promise<void>;
}
