import * as tf from '@tensorflow/tfjs-core';

/**
 * Adam(learningRate) with epsilon 1e-7 passed explicitly: webgl's backend epsilon is 1e-4, so a
 * default-constructed Adam would differ between runtimes.
 */
export function defaultOptimizer(learningRate = 1e-3): tf.Optimizer {
  return tf.train.adam(learningRate, 0.9, 0.999, 1e-7);
}
