import * as tf from '@tensorflow/tfjs-core';
import { KdError } from '../errors/kd-error.js';
import { MemoryModelStore } from './memory-model-store.js';
import { MemoryTeacherCache } from './memory-teacher-cache.js';
import type { KdRuntime, ModelStore, RuntimeInfo, TeacherCache } from './types.js';

/** Options for {@link createBackendRuntime}, the building block runtime packages share. */
export interface BackendRuntimeOptions {
  /** Runtime name reported to users (`cpu`, `wasm`, `webgl`, `node`). */
  name: string;
  /** tfjs backend name to activate. */
  backend: string;
  /** Runs before `tf.setBackend` (register kernels, set wasm paths, flags). */
  setup?: () => void | Promise<void>;
  /** Extra facts for {@link RuntimeInfo}, read after the backend is ready. */
  describe?: () => Partial<RuntimeInfo> | Promise<Partial<RuntimeInfo>>;
  /** Hint printed when the backend cannot start. */
  unavailableHint?: string;
  models?: ModelStore;
  cache?: TeacherCache;
  nextTick?: () => Promise<void>;
}

/**
 * Builds a {@link KdRuntime} around one tfjs backend: `init()` runs setup once, activates the
 * backend and fails with `KD_BACKEND_UNAVAILABLE` when tfjs could not start it (tfjs itself only
 * resolves `false`).
 */
export function createBackendRuntime(options: BackendRuntimeOptions): KdRuntime {
  let ready: Promise<RuntimeInfo> | undefined;
  const runtime: KdRuntime = {
    name: options.name,
    models: options.models ?? new MemoryModelStore(),
    cache: options.cache ?? new MemoryTeacherCache(),
    ...(options.nextTick ? { nextTick: options.nextTick } : {}),
    async init() {
      ready ??= (async () => {
        await options.setup?.();
        await activate(options);
        const floatPrecision = tf.backend().floatPrecision() as 16 | 32;
        const extra = (await options.describe?.()) ?? {};
        return { backend: options.backend, floatPrecision, ...extra };
      })();
      // A failed init may be retried (e.g. after the user installs what was missing).
      ready.catch(() => {
        ready = undefined;
      });
      const info = await ready;
      // Another runtime may have switched tfjs to its backend since; switching back is cheap
      // because tfjs keeps every initialised backend.
      if (tf.getBackend() !== options.backend) await activate(options);
      return info;
    },
    hasKernel(kernelName: string): boolean {
      return tf.getKernel(kernelName, options.backend) !== undefined;
    },
  };
  return runtime;
}

async function activate(options: BackendRuntimeOptions): Promise<void> {
  let ok: boolean;
  try {
    ok = await tf.setBackend(options.backend);
    await tf.ready();
  } catch (cause) {
    throw unavailable(options, cause);
  }
  if (!ok || tf.getBackend() !== options.backend) throw unavailable(options);
}

function unavailable(options: BackendRuntimeOptions, cause?: unknown): KdError {
  const why = cause instanceof Error ? `: ${cause.message}` : '';
  return new KdError(
    'KD_BACKEND_UNAVAILABLE',
    `The tfjs backend "${options.backend}" for runtime "${options.name}" could not start${why}. ${options.unavailableHint ?? 'Check that its package is installed and imported once.'}`,
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
      `The active tfjs backend is "${tf.getBackend()}" but the runtime initialised "${info.backend}". Do not call tf.setBackend while kd trains; pass the runtime you want instead.`,
      { active: tf.getBackend(), expected: info.backend },
    );
  }
}
