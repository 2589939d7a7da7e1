import * as tf from '@tensorflow/tfjs-core';
import { PROBABILITY_EPSILON } from '../losses/elementwise-losses.js';
import type { OutputKind } from '../outputs/output-kind.js';

/** Inputs of {@link fusedBinaryLoss}: one batch of a binary task at temperature 1. */
export interface FusedBinaryLossArgs {
  /** Student outputs, [B, 1]. */
  student: tf.Tensor2D;
  studentKind: OutputKind;
  /**
   * Labels [B, 1] (0/1); or labels and the teacher's probabilities side by side, [B, 2]; or, when
   * some rows have no label, `[m∘y | t | m]`, [B, 3], with m = 1 on labelled rows and 0 on the
   * others (whose y is then ignored).
   */
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
 * With a label mask m (targets `[m∘y | t | m]`), the hard part is the mean over the labelled rows
 * only and the soft part the mean over every row:
 * `hard = (Σ m·B − Σ D·m·y) / Σ m`, `soft = (Σ B − Σ D·t) / B`, still one product of D against
 * `[m∘y | t]`. A batch without a labelled row has hard = 0 (not NaN). With sample weights w, B and
 * D carry w and the means are `/ Σ m·w` and `/ Σ w`.
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
  const w = a.sampleWeight ? (tf.reshape(tf.cast(a.sampleWeight, 'float32'), [-1, 1]) as tf.Tensor2D) : undefined;
  if (w) {
    base = tf.mul(base, w);
    slope = tf.mul(slope, w);
  }
  if (targets.shape[1] === 3) return maskedParts(base, slope, targets, w, a.alpha);
  let scale: tf.Tensor | number;
  if (w) {
    // A batch whose weights are all 0 has Σ w·l = 0: dividing by 1 instead of 0 gives 0, not NaN.
    scale = tf.div(1, nonZero(tf.sum(w)));
  } else {
    scale = 1 / student.shape[0];
  }
  // [1, 2] (or [1, 1] without a teacher): mean over rows of D·[y | t], then [hard, soft].
  const dotTargets = tf.matMul(slope, targets, true, false);
  const parts = tf.mul(tf.sub(tf.sum(base), dotTargets), scale) as tf.Tensor2D;
  // Without a teacher the one column is the loss; soft repeats hard, as the unfused loss has it.
  if (targets.shape[1] === 1)
    return { total: tf.reshape(parts, []) as tf.Scalar, parts: tf.tile(parts, [1, 2]) as tf.Tensor2D };
  return { total: mixParts(parts, a.alpha), parts };
}

/** `[hard, soft]` with the hard mean over the labelled rows (mask in the third column of `targets`). */
function maskedParts(
  base: tf.Tensor2D,
  slope: tf.Tensor2D,
  targets: tf.Tensor2D,
  w: tf.Tensor2D | undefined,
  alpha: number,
): FusedLoss {
  const rows = targets.shape[0];
  const labelAndTeacher = tf.slice(targets, [0, 0], [rows, 2]);
  const mask = tf.slice(targets, [0, 2], [rows, 1]);
  // [1, 2]: Σ D·m·y and Σ D·t in one product, as without a mask.
  const dotTargets = tf.matMul(slope, labelAndTeacher, true, false);
  // [1, 2]: Σ m·B (labelled rows) and Σ B (every row).
  const baseSums = tf.concat([tf.matMul(base, mask, true, false), tf.reshape(tf.sum(base), [1, 1])], 1);
  const labelled = w ? tf.sum(tf.mul(mask, w)) : tf.sum(mask);
  const all = w ? tf.sum(w) : tf.scalar(rows);
  // No labelled row (or all their weights 0): Σ = 0 over 1, so the hard part is 0, not NaN.
  const counts = tf.reshape(tf.stack([nonZero(labelled), nonZero(all)]), [1, 2]);
  const parts = tf.div(tf.sub(baseSums, dotTargets), counts) as tf.Tensor2D;
  return { total: mixParts(parts, alpha), parts };
}

/** α·hard + (1 − α)·soft of `[[hard, soft]]`, as one product. */
function mixParts(parts: tf.Tensor2D, alpha: number): tf.Scalar {
  const mix = tf.tensor2d([alpha, 1 - alpha], [2, 1]);
  return tf.reshape(tf.matMul(parts, mix), []) as tf.Scalar;
}

/** `x`, or 1 where it is 0 (tf.divNoNan would do the same but has no gradient in tfjs). */
function nonZero(x: tf.Tensor): tf.Tensor {
  return tf.where(tf.greater(x, 0), x, tf.onesLike(x));
}
