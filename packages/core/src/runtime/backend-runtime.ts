import * as tf from '@tensorflow/tfjs-core';
import { KdError } from '../errors/kd-error.js';
import { memoPromise } from '../util/memo-promise.js';
import { timeSlicedYield } from './event-loop-yield.js';
import { MemoryModelStore } from './memory-model-store.js';
import { MemoryTeacherCache } from './memory-teacher-cache.js';
import type { KdRuntime, ModelStore, RuntimeInfo, TeacherCache } from './types.js';

/** Options for {@link createBackendRuntime}, the building block runtime packages share. */
export interface BackendRuntimeOptions<Info extends RuntimeInfo = RuntimeInfo> {
  /** Runtime name reported to users (`cpu`, `wasm`, `webgl`, `node`). */
  name: string;
  /** tfjs backend name to activate. */
  backend: string;
  /** Runs before `tf.setBackend` (register kernels, set wasm paths, flags). */
  setup?: () => void | Promise<void>;
  /**
   * The runtime's own facts for its `Info` (beyond `backend` and `floatPrecision`), read once
   * after the backend is ready. Required when `Info` has fields of its own.
   */
  describe?: (base: RuntimeInfo) => Omit<Info, keyof RuntimeInfo> | Promise<Omit<Info, keyof RuntimeInfo>>;
  /** Hint printed when the backend cannot start. */
  unavailableHint?: string;
  /** Default: a fresh {@link MemoryModelStore}. */
  models?: ModelStore | undefined;
  /** Default: a fresh {@link MemoryTeacherCache}. */
  cache?: TeacherCache | undefined;
  /** Default: {@link timeSlicedYield}, one trip through the event loop per ~10 ms of work. */
  nextTick?: (() => Promise<void>) | undefined;
}

/**
 * Builds a {@link KdRuntime} around one tfjs backend: `init()` runs setup once, activates the
 * backend and fails with `KD_BACKEND_UNAVAILABLE` when tfjs could not start it (tfjs itself only
 * resolves `false`). A later `init()` switches tfjs back to this backend when another runtime
 * took the engine meanwhile.
 *
 * @example
 * ```ts
 * const runtime = createBackendRuntime({ name: 'cpu', backend: 'cpu' });
 * const info = await runtime.init(); // { backend: 'cpu', floatPrecision: 32 }
 * ```
 */
export function createBackendRuntime<Info extends RuntimeInfo = RuntimeInfo>(
  options: BackendRuntimeOptions<Info>,
): KdRuntime<Info> {
  // A failed start may be retried (e.g. after the user installs what was missing).
  const ready = memoPromise(async (): Promise<Info> => {
    await options.setup?.();
    await activate(options);
    const base: RuntimeInfo = { backend: options.backend, floatPrecision: tf.backend().floatPrecision() as 16 | 32 };
    const own = (await options.describe?.(base)) ?? {};
    return { ...base, ...own } as Info;
  });
  return {
    name: options.name,
    models: options.models ?? new MemoryModelStore(),
    cache: options.cache ?? new MemoryTeacherCache(),
    nextTick: options.nextTick ?? timeSlicedYield(),
    async init() {
      const info = await ready();
      await reactivate(options);
      return info;
    },
    hasKernel(kernelName: string): boolean {
      return tf.getKernel(kernelName, options.backend) !== undefined;
    },
  };
}

/**
 * Switches tfjs back to `options.backend` when another runtime (or the user) activated another
 * one since; cheap, because tfjs keeps every initialised backend.
 */
async function reactivate(options: Pick<BackendRuntimeOptions, 'name' | 'backend' | 'unavailableHint'>): Promise<void> {
  if (tf.getBackend() !== options.backend) await activate(options);
}

async function activate(options: Pick<BackendRuntimeOptions, 'name' | 'backend' | 'unavailableHint'>): Promise<void> {
  let ok: boolean;
  try {
    ok = await tf.setBackend(options.backend);
    await tf.ready();
  } catch (cause) {
    throw unavailable(options, cause);
  }
  if (!ok || tf.getBackend() !== options.backend) throw unavailable(options);
}

function unavailable(
  options: Pick<BackendRuntimeOptions, 'name' | 'backend' | 'unavailableHint'>,
  cause?: unknown,
): KdError {
  const why = cause instanceof Error ? `: ${cause.message}` : '';
  return new KdError(
    'KD_BACKEND_UNAVAILABLE',
    `The tfjs backend "${options.backend}" for runtime "${options.name}" could not start${why}. ` +
      (options.unavailableHint ?? 'Check that its package is installed and imported once.'),
    { backend: options.backend },
    { cause },
  );
}

/**
 * Throws `KD_RUNTIME_NOT_INITIALIZED` unless tfjs's active backend is the runtime's.
 * Entry points call `await runtime.init()` themselves, so this guards against a user
 * switching backends behind kd's back.
 */
export function assertActiveBackend(info: RuntimeInfo): void {
  if (tf.getBackend() !== info.backend) {
    throw new KdError(
      'KD_RUNTIME_NOT_INITIALIZED',
      `The active tfjs backend is "${tf.getBackend()}" but the runtime initialised "${info.backend}". ` +
        'Do not call tf.setBackend while kd trains; pass the runtime you want instead.',
      { active: tf.getBackend(), expected: info.backend },
    );
  }
}
