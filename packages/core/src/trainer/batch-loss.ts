import * as tf from '@tensorflow/tfjs-core';
import { binaryDistillationLoss } from '../losses/binary-distillation-loss.js';
import { binaryDistillationLossFromLogits } from '../losses/binary-distillation-loss-from-logits.js';
import { softmaxDistillationLoss } from '../losses/softmax-distillation-loss.js';
import type { LossParts } from '../losses/types.js';
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
}

export function batchLoss(a: BatchLossArgs): LossParts {
  // Without a teacher the labels stand in for it; with α = 1 they carry no weight.
  const teacher = a.teacher ?? a.yTrue;
  const teacherKind = a.teacher ? (a.teacherKind ?? 'logits') : 'probabilities';
  const common = {
    yTrue: a.yTrue,
    teacher,
    teacherKind,
    alpha: a.alpha,
    ...(a.sampleWeight ? { sampleWeight: a.sampleWeight } : {}),
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
