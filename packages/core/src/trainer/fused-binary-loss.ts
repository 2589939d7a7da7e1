import * as tf from '@tensorflow/tfjs-core';
import { PROBABILITY_EPSILON } from '../losses/elementwise-losses.js';
import type { OutputKind } from '../outputs/output-kind.js';

/** Inputs of {@link fusedBinaryLoss}: one batch of a binary task at temperature 1. */
export interface FusedBinaryLossArgs {
  /** Student outputs, [B, 1]. */
  student: tf.Tensor2D;
  studentKind: OutputKind;
  /** Labels [B, 1] (0/1), or labels and the teacher's probabilities side by side, [B, 2]. */
  targets: tf.Tensor2D;
  alpha: number;
  sampleWeight?: tf.Tensor;
}

/** The fused loss: the total to minimise and `[[hard, soft]]` for the logs, left as one tensor. */
export interface FusedLoss {
  total: tf.Scalar;
  /** [1, 2]: the hard and soft parts (equal without a teacher). */
  parts: tf.Tensor2D;
}

/**
 * The binary distillation loss at temperature 1 in one cross-entropy. BCE is linear in its
 * target: per row `BCE(p, z) = B(z) − p·D(z)` with, for logits z, `B = softplus(z)` and `D = z`
 * (for clamped probabilities q, `B = −log(1 − q)` and `D = log q − log(1 − q)`). So
 * `α·BCE(y, z) + (1 − α)·BCE(t, z) = BCE(α·y + (1 − α)·t, z)`, and the hard and soft parts come
 * from the same two tensors: `[hard, soft] = mean(B) − mean(D·[y | t])`, one matrix product.
 * The value and gradient are those of {@link binaryDistillationLoss} /
 * {@link binaryDistillationLossFromLogits} at T = 1, in far fewer kernels per step.
 *
 * Call inside a tidy or a gradient scope; the shapes were checked when the run was prepared.
 */
export function fusedBinaryLoss(a: FusedBinaryLossArgs): FusedLoss {
  const { student, targets } = a;
  let base: tf.Tensor2D;
  let slope: tf.Tensor2D;
  if (a.studentKind === 'logits') {
    base = tf.softplus(student);
    slope = student;
  } else {
    const q = tf.clipByValue(student, PROBABILITY_EPSILON, 1 - PROBABILITY_EPSILON);
    const logOneMinusQ = tf.log1p(tf.neg(q));
    base = tf.neg(logOneMinusQ);
    slope = tf.sub(tf.log(q), logOneMinusQ);
  }
  let scale: tf.Tensor | number;
  if (a.sampleWeight) {
    const w = tf.reshape(tf.cast(a.sampleWeight, 'float32'), [-1, 1]);
    base = tf.mul(base, w);
    slope = tf.mul(slope, w);
    // A batch whose weights are all 0 has Σ w·l = 0: dividing by 1 instead of 0 gives 0, not NaN.
    const sum = tf.sum(w);
    scale = tf.div(1, tf.where(tf.greater(sum, 0), sum, tf.onesLike(sum)));
  } else {
    scale = 1 / student.shape[0];
  }
  // [1, 2] (or [1, 1] without a teacher): mean over rows of D·[y | t], then [hard, soft].
  const dotTargets = tf.matMul(slope, targets, true, false);
  const parts = tf.mul(tf.sub(tf.sum(base), dotTargets), scale) as tf.Tensor2D;
  // Without a teacher the one column is the loss; soft repeats hard, as the unfused loss has it.
  if (targets.shape[1] === 1)
    return { total: tf.reshape(parts, []) as tf.Scalar, parts: tf.tile(parts, [1, 2]) as tf.Tensor2D };
  const mix = tf.tensor2d([a.alpha, 1 - a.alpha], [2, 1]);
  return { total: tf.reshape(tf.matMul(parts, mix), []) as tf.Scalar, parts };
}
