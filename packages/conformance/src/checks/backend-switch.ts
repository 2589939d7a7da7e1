import * as tf from '@tensorflow/tfjs-core';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { createBackendRuntime, type KdRuntime } from '@kd/core';

/** The backend the check switches tfjs to: a second cpu backend under its own name, so it differs from every runtime's. */
export const OTHER_BACKEND = 'kd-conformance-other';

/** What {@link switchAwayAndBack} saw. */
export interface BackendSwitchResult {
  /** tfjs's active backend after the other runtime's init(). */
  afterOther: string;
  /** tfjs's active backend after the runtime's second init(). */
  afterReinit: string;
}

/**
 * Inits `runtime`, lets another runtime take tfjs's engine (as an app using two runtimes does),
 * then inits `runtime` again: it must switch tfjs back to its own backend.
 */
export async function switchAwayAndBack(runtime: KdRuntime): Promise<BackendSwitchResult> {
  await runtime.init();
  const other = createBackendRuntime({
    name: 'other',
    backend: OTHER_BACKEND,
    setup: () => {
      if (!tf.findBackendFactory(OTHER_BACKEND)) tf.registerBackend(OTHER_BACKEND, () => new MathBackendCPU(), -1);
    },
  });
  try {
    await other.init();
    const afterOther = tf.getBackend();
    await runtime.init();
    return { afterOther, afterReinit: tf.getBackend() };
  } finally {
    if (tf.getBackend() === OTHER_BACKEND) await runtime.init().catch(() => undefined);
    tf.removeBackend(OTHER_BACKEND);
  }
}
