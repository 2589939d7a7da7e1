import * as tf from '@tensorflow/tfjs-core';
import { bceFromProbabilities } from './elementwise-losses.js';
import { reduceLossParts } from './reduce-loss-parts.js';
import type { DistillationLossOptions, LossParts, LossReduction, LossValue, OutputKind } from './types.js';
import { checkCommonArguments } from './validate-arguments.js';
import { assertBinaryShapes } from './validate-shapes.js';
import { planValueChecks, runValueChecksSync } from './value-checks.js';

/** Inputs of {@link binaryDistillationLoss}. */
export interface BinaryDistillationLossArgs<R extends LossReduction = 'mean'> extends DistillationLossOptions<R> {
  /** Ground truth, 0 or 1, shape `[N]` or `[N, 1]`. */
  yTrue: tf.Tensor;
  /** Teacher outputs, `[N]` or `[N, 1]`: probabilities, or logits with `teacherKind: 'logits'`. */
  teacher: tf.Tensor;
  /** Student probabilities (a sigmoid output), `[N]` or `[N, 1]`; clamped to [1e-7, 1 − 1e-7]. */
  student: tf.Tensor;
  /** What `teacher` holds; default `'probabilities'`, like the student. */
  teacherKind?: OutputKind;
}

/**
 * The binary distillation loss on probabilities:
 * `total = α·BCE(y, s) + (1 − α)·BCE(t, s)`, with `hard = BCE(y, s)` and `soft = BCE(t, s)`.
 *
 * `BCE(p, q) = −[p·log q + (1 − p)·log(1 − q)]`, with the student q clamped to [1e-7, 1 − 1e-7]
 * (inside the clamp range the gradient is exact; outside it is 0). Equivalently
 * `total = BCE(α·y + (1 − α)·t, s)`: training on a label blended with the teacher.
 *
 * Prefer {@link binaryDistillationLossFromLogits} when the student's logits are available: it
 * needs no clamp and supports a temperature.
 *
 * Throws {@link KdError} before computing anything on bad α (`KD_ALPHA_RANGE`) or shapes
 * (`KD_SHAPE_MISMATCH`); with `checkValues: true` also on bad values (see {@link checkLossInputs}).
 *
 * @example
 * ```ts
 * const yTrue = tf.tensor1d([1, 0, 1]);
 * const teacher = tf.tensor1d([0.9, 0.2, 0.6]);
 * const student = tf.tensor1d([0.7, 0.4, 0.5]);
 * const { total, hard, soft } = binaryDistillationLoss({ yTrue, teacher, student, alpha: 0.5 });
 * ```
 */
export function binaryDistillationLoss<R extends LossReduction = 'mean'>(
  args: BinaryDistillationLossArgs<R>,
): LossParts<LossValue<R>> {
  const { yTrue, teacher, student, sampleWeight, alpha } = args;
  const { teacherKind, reduction } = checkCommonArguments<R>(args, 'probabilities');
  assertBinaryShapes({ yTrue, teacher, student, sampleWeight });
  if (args.checkValues === true)
    runValueChecksSync(planValueChecks({ loss: 'binary', yTrue, teacher, teacherKind, student, sampleWeight }));

  return tf.tidy(() => {
    const y = tf.reshape(tf.cast(yTrue, 'float32'), [-1]);
    const t = tf.reshape(
      teacherKind === 'logits' ? tf.sigmoid(tf.cast(teacher, 'float32')) : tf.cast(teacher, 'float32'),
      [-1],
    );
    const s = tf.reshape(tf.cast(student, 'float32'), [-1]);
    const hard = bceFromProbabilities(y, s);
    const soft = bceFromProbabilities(t, s);
    return reduceLossParts(hard, soft, alpha, sampleWeight, reduction);
  });
}
