import * as tf from '@tensorflow/tfjs-core';
import type { FixtureTensor } from '../fixtures/types.js';

/** A fixture tensor on the active backend (float64 expectations become float32). */
export function toTensor(t: FixtureTensor): tf.Tensor {
  return tf.tensor(t.values, t.shape, t.dtype === 'int32' ? 'int32' : 'float32');
}
