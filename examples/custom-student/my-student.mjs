// A student written by hand against kd's core API: two dense layers, ReLU in between, logits out.
// kd-conformance builds it on every runtime with the same seed and compares the results.
import * as tf from '@tensorflow/tfjs-core';
import { customStudent } from '@kd/core';

/** One input row: 10 features. */
export const inputShape = [10];
/** Three classes, so the student has three output units (softmax distillation). */
export const classes = 3;

const HIDDEN = 16;

/**
 * Builds the student with weights drawn from `seed`. tfjs draws seeded random values in
 * JavaScript, so the same seed gives the same weights on every backend.
 */
export function createStudent(seed) {
  const limit1 = Math.sqrt(6 / (inputShape[0] + HIDDEN));
  const limit2 = Math.sqrt(6 / (HIDDEN + classes));
  // tf.tidy frees the initial values once the variables hold copies of them.
  const w1 = tf.tidy(() => tf.variable(tf.randomUniform([inputShape[0], HIDDEN], -limit1, limit1, 'float32', seed)));
  const b1 = tf.tidy(() => tf.variable(tf.zeros([HIDDEN])));
  const w2 = tf.tidy(() => tf.variable(tf.randomUniform([HIDDEN, classes], -limit2, limit2, 'float32', seed + 1)));
  const b2 = tf.tidy(() => tf.variable(tf.zeros([classes])));
  return customStudent({
    name: 'two-dense',
    output: 'logits',
    variables: { w1, b1, w2, b2 },
    forward: (x) => tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(x, w1), b1)), w2), b2),
  });
}
