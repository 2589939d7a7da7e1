import * as tf from '@tensorflow/tfjs-core';
import { KdError } from '@kd/core';

/** The outcome of running code while synchronous reads are forbidden. */
export interface GuardedRun<T> {
  result?: T;
  error?: unknown;
  /** One stack trace per synchronous read that was attempted. */
  syncReads: string[];
}

/**
 * Runs `fn` with tfjs's `engine().readSync` replaced by one that records the call and throws.
 * `Tensor.dataSync()`/`arraySync()` go through it while kernels read their inputs through the
 * backend directly, so this catches exactly the synchronous reads of library code: on an
 * asynchronous backend (webgl) each of them would stall the pipeline.
 */
export async function withSyncReadsForbidden<T>(fn: () => Promise<T>): Promise<GuardedRun<T>> {
  const engine = tf.engine();
  const own = Object.prototype.hasOwnProperty.call(engine, 'readSync');
  const original = engine.readSync;
  const syncReads: string[] = [];
  engine.readSync = () => {
    const stack = new Error('synchronous tensor read').stack ?? 'synchronous tensor read';
    syncReads.push(stack);
    throw new KdError(
      'KD_SYNC_READ',
      'A tensor was read synchronously (dataSync/arraySync) while reads must be asynchronous; use await tensor.data() instead.',
    );
  };
  try {
    return { result: await fn(), syncReads };
  } catch (error) {
    return { error, syncReads };
  } finally {
    if (own) engine.readSync = original;
    else delete (engine as { readSync?: unknown }).readSync;
  }
}
