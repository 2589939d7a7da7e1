import * as tf from '@tensorflow/tfjs-core';
import { bceFromLogits, binaryProbabilitiesToLogits } from './elementwise-losses.js';
import { reduceLossParts } from './reduce-loss-parts.js';
import type { DistillationLossOptions, LossParts, LossReduction, LossValue, OutputKind } from './types.js';
import { checkCommonArguments } from './validate-arguments.js';
import { assertBinaryShapes } from './validate-shapes.js';
import { planValueChecks, runValueChecksSync } from './value-checks.js';

/** Inputs of {@link binaryDistillationLossFromLogits}. */
export interface BinaryDistillationLossFromLogitsArgs<
  R extends LossReduction = 'mean',
> extends DistillationLossOptions<R> {
  /** Ground truth, 0 or 1, shape `[N]` or `[N, 1]`. */
  yTrue: tf.Tensor;
  /** Teacher outputs, `[N]` or `[N, 1]`: logits, or probabilities with `teacherKind: 'probabilities'`. */
  teacher: tf.Tensor;
  /** Student logits (the output before the sigmoid), `[N]` or `[N, 1]`. */
  student: tf.Tensor;
  /** What `teacher` holds; default `'logits'`, like the student. */
  teacherKind?: OutputKind;
  /** Softens both models' outputs for the soft part; finite and > 0, default 1. */
  temperature?: number;
}

/**
 * The binary distillation loss on logits, with an optional temperature T:
 * - `hard = BCE(y, σ(s))`, always at T = 1;
 * - `soft = T²·BCE(σ(t/T), σ(s/T))`;
 * - `total = α·hard + (1 − α)·soft`.
 *
 * At T = 1 this is exactly `α·BCE(y, σ(s)) + (1 − α)·BCE(σ(t), σ(s))`. The T² factor keeps the
 * soft part's gradient, `T·(σ(s/T) − σ(t/T))`, on the same scale as the hard part's when T changes.
 * BCE is computed with log-sigmoid (`log σ(z) = −softplus(−z)`), so loss and gradient are finite
 * for any finite logit, without clamping.
 *
 * Teacher probabilities are used as given at T = 1; at other temperatures they are clamped to
 * [1e-7, 1 − 1e-7] and turned into logits `log(p / (1 − p))` first.
 *
 * Throws {@link KdError} before computing anything on bad α (`KD_ALPHA_RANGE`), temperature
 * (`KD_TEMPERATURE_RANGE`) or shapes (`KD_SHAPE_MISMATCH`); with `checkValues: true` also on bad
 * values (see {@link checkLossInputs}).
 *
 * @example
 * ```ts
 * const yTrue = tf.tensor1d([1, 0, 1]);
 * const teacher = tf.tensor1d([2.2, -1.4, 0.4]);
 * const student = tf.variable(tf.tensor1d([0.1, 0.3, -0.2]));
 * const { value, grads } = tf.variableGrads(
 *   () => binaryDistillationLossFromLogits({ yTrue, teacher, student, alpha: 0.3, temperature: 2 }).total,
 * );
 * ```
 */
export function binaryDistillationLossFromLogits<R extends LossReduction = 'mean'>(
  args: BinaryDistillationLossFromLogitsArgs<R>,
): LossParts<LossValue<R>> {
  const { yTrue, teacher, student, sampleWeight, alpha } = args;
  const { teacherKind, temperature, reduction } = checkCommonArguments<R>(args, 'logits');
  assertBinaryShapes({ yTrue, teacher, student, sampleWeight });
  if (args.checkValues === true) {
    runValueChecksSync(
      planValueChecks({ loss: 'binaryFromLogits', yTrue, teacher, teacherKind, student, sampleWeight }),
    );
  }

  return tf.tidy(() => {
    const y = tf.reshape(tf.cast(yTrue, 'float32'), [-1]);
    const s = tf.reshape(tf.cast(student, 'float32'), [-1]);
    const t = tf.reshape(tf.cast(teacher, 'float32'), [-1]);
    const hard = bceFromLogits(y, s);
    let soft: tf.Tensor;
    if (temperature === 1) {
      soft = bceFromLogits(teacherKind === 'logits' ? tf.sigmoid(t) : t, s);
    } else {
      const teacherLogits = teacherKind === 'logits' ? t : binaryProbabilitiesToLogits(t);
      const softTarget = tf.sigmoid(tf.div(teacherLogits, temperature));
      soft = tf.mul(temperature * temperature, bceFromLogits(softTarget, tf.div(s, temperature)));
    }
    return reduceLossParts(hard, soft, alpha, sampleWeight, reduction);
  });
}
