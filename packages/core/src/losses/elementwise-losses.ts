import * as tf from '@tensorflow/tfjs-core';

/**
 * Probabilities are clamped to [ε, 1 − ε] before a log, so that a saturated output (0 or 1) gives
 * a large finite loss instead of Infinity. Keras uses the same ε = 1e-7.
 */
export const PROBABILITY_EPSILON = 1e-7;

/** Per-element `−[p·log q + (1 − p)·log(1 − q)]` with q clamped to [ε, 1 − ε]. */
export function bceFromProbabilities(target: tf.Tensor, probabilities: tf.Tensor): tf.Tensor {
  const q = tf.clipByValue(probabilities, PROBABILITY_EPSILON, 1 - PROBABILITY_EPSILON);
  const logQ = tf.log(q);
  const logOneMinusQ = tf.log1p(tf.neg(q));
  return tf.neg(tf.add(tf.mul(target, logQ), tf.mul(tf.sub(1, target), logOneMinusQ)));
}

/**
 * Per-element `−[p·log σ(z) + (1 − p)·log σ(−z)]`, with the log-sigmoid written as
 * `log σ(z) = −softplus(−z)`: `p·softplus(−z) + (1 − p)·softplus(z)`. Nothing takes log(0), so the
 * value and its gradient `σ(z) − p` stay finite for any finite logit, without clamping.
 *
 * Not `tf.logSigmoid`: its custom gradient reads its input from a closure instead of saving it,
 * and the loss's `tf.tidy` frees that input before backpropagation runs. Softplus is a kernel
 * whose gradient saves what it needs.
 */
export function bceFromLogits(target: tf.Tensor, logits: tf.Tensor): tf.Tensor {
  const minusLogP = tf.softplus(tf.neg(logits));
  const minusLogOneMinusP = tf.softplus(logits);
  return tf.add(tf.mul(target, minusLogP), tf.mul(tf.sub(1, target), minusLogOneMinusP));
}

/** `log(p / (1 − p))` with p clamped to [ε, 1 − ε]: at most ±16.1, never infinite. */
export function binaryProbabilitiesToLogits(probabilities: tf.Tensor): tf.Tensor {
  const p = tf.clipByValue(probabilities, PROBABILITY_EPSILON, 1 - PROBABILITY_EPSILON);
  return tf.sub(tf.log(p), tf.log1p(tf.neg(p)));
}

/** Per-row `−Σ_k p_k · logQ_k` for `[N, K]` inputs. */
export function crossEntropyRows(target: tf.Tensor, logQ: tf.Tensor): tf.Tensor {
  return tf.neg(tf.sum(tf.mul(target, logQ), -1));
}

/**
 * `log p` where p > 0 and 0 where p = 0: multiplied by p, the zero entries then give 0·log 0 = 0
 * (teacher probabilities may hold exact zeros) instead of NaN.
 */
export function logOfProbabilities(p: tf.Tensor): tf.Tensor {
  return tf.log(tf.where(tf.greater(p, 0), p, tf.onesLike(p)));
}
