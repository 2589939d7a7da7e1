import type * as tf from '@tensorflow/tfjs-core';
import { FlatAdamOptimizer } from './flat-adam.js';

/**
 * kd's default optimizer: Adam(learningRate) with β1 0.9, β2 0.999 and epsilon 1e-7 passed
 * explicitly (webgl's backend epsilon is 1e-4, so a default-constructed Adam would differ between
 * runtimes).
 *
 * It is a multi-variable Adam: each step runs tfjs's Adam update once on all the variables
 * concatenated rather than once per variable, which gives exactly the numbers of
 * `tf.train.adam(learningRate, 0.9, 0.999, 1e-7)` in far fewer kernel calls (each one a call
 * into TensorFlow on tfjs-node). Its class name (`Adam`), config and `getWeights`/`setWeights`
 * list are tfjs's, so kd checkpoints written with either resume with the other; unlike tfjs's,
 * `getWeights` returns new tensors, which the caller disposes.
 */
export function defaultOptimizer(learningRate = 1e-3): tf.Optimizer {
  return new FlatAdamOptimizer(learningRate, 0.9, 0.999, 1e-7);
}
