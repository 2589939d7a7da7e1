import * as tf from '@tensorflow/tfjs-core';
import { binaryDistillationLoss } from '../losses/binary-distillation-loss.js';
import { binaryDistillationLossFromLogits } from '../losses/binary-distillation-loss-from-logits.js';
import { softmaxDistillationLoss } from '../losses/softmax-distillation-loss.js';
import type { LossParts, LossValue } from '../losses/types.js';
import type { OutputKind } from '../outputs/output-kind.js';
import { toSpace } from '../outputs/to-space.js';

export type LossTask = 'binary' | 'multiclass';

/** One batch's loss, picking the loss that fits the task and what the student outputs. */
export interface BatchLossArgs {
  task: LossTask;
  studentOutput: tf.Tensor;
  studentKind: OutputKind;
  /** Binary [B, 1] 0/1; multi-class [B, K] one-hot. */
  yTrue: tf.Tensor;
  /** Teacher targets; absent when training from scratch (then α must be 1). */
  teacher?: tf.Tensor;
  teacherKind?: OutputKind;
  alpha: number;
  temperature: number;
  sampleWeight?: tf.Tensor;
  /**
   * [B, 1] or [B]: 1 on rows with a label, 0 on rows without (their `yTrue` is a placeholder).
   * Then `hard` is the (weighted) mean over the labelled rows only, 0 for a batch without one, and
   * `soft` the mean over every row: `total = α·hard + (1 − α)·soft`.
   */
  labelMask?: tf.Tensor;
}

export function batchLoss(a: BatchLossArgs): LossParts {
  if (a.labelMask) return maskedBatchLoss(a, a.labelMask);
  return pickLoss(a, 'mean');
}

/** The loss that fits the task and the student's output, reduced as `reduction` says. */
function pickLoss<R extends 'mean' | 'none'>(a: BatchLossArgs, reduction: R): LossParts<LossValue<R>> {
  // Without a teacher the labels stand in for it; with α = 1 they carry no weight.
  const teacher = a.teacher ?? a.yTrue;
  const teacherKind = a.teacher ? (a.teacherKind ?? 'logits') : 'probabilities';
  const common = {
    yTrue: a.yTrue,
    teacher,
    teacherKind,
    alpha: a.alpha,
    reduction,
    ...(a.sampleWeight && reduction === 'mean' ? { sampleWeight: a.sampleWeight } : {}),
  };
  const units = a.studentOutput.rank === 1 ? 1 : a.studentOutput.shape[a.studentOutput.rank - 1]!;
  const student2d =
    a.studentOutput.rank === 2
      ? (a.studentOutput as tf.Tensor2D)
      : (tf.reshape(a.studentOutput, [a.studentOutput.shape[0]!, units]) as tf.Tensor2D);
  if (a.task === 'binary') {
    if (a.studentKind === 'probabilities' && a.temperature === 1)
      return binaryDistillationLoss({ ...common, student: student2d });
    const logits = a.studentKind === 'logits' ? student2d : toSpace(student2d, 'probabilities', 'logits');
    return binaryDistillationLossFromLogits({ ...common, student: logits, temperature: a.temperature });
  }
  const logits = a.studentKind === 'logits' ? student2d : toSpace(student2d, 'probabilities', 'logits');
  return softmaxDistillationLoss({ ...common, student: logits, temperature: a.temperature });
}

/**
 * Per-row hard and soft losses reduced by hand: `hard = Σ m·w·h / Σ m·w`, `soft = Σ w·s / Σ w`
 * (w = 1 without sample weights); a zero denominator counts as 1, so an all-unlabelled batch has
 * hard = 0. The per-row losses of unlabelled rows are finite (their placeholder labels are valid),
 * so multiplying by m = 0 leaves neither a value nor a gradient behind.
 */
function maskedBatchLoss(a: BatchLossArgs, labelMask: tf.Tensor): LossParts {
  const perRow = pickLoss(a, 'none');
  const m = tf.reshape(tf.cast(labelMask, 'float32'), [-1]);
  const w = a.sampleWeight ? tf.reshape(tf.cast(a.sampleWeight, 'float32'), [-1]) : undefined;
  const hardWeights = w ? tf.mul(m, w) : m;
  const mean = (values: tf.Tensor, weights: tf.Tensor | undefined): tf.Scalar => {
    if (!weights) return tf.mean(values) as tf.Scalar;
    const sum = tf.sum(weights);
    return tf.div(tf.sum(tf.mul(values, weights)), tf.where(tf.greater(sum, 0), sum, tf.onesLike(sum))) as tf.Scalar;
  };
  const hard = mean(perRow.hard, hardWeights);
  const soft = mean(perRow.soft, w);
  return { total: tf.add(tf.mul(a.alpha, hard), tf.mul(1 - a.alpha, soft)) as tf.Scalar, hard, soft };
}
