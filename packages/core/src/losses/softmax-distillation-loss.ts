import * as tf from '@tensorflow/tfjs-core';
import { PROBABILITY_EPSILON, crossEntropyRows, logOfProbabilities } from './elementwise-losses.js';
import { reduceLossParts } from './reduce-loss-parts.js';
import type { DistillationLossOptions, LossParts, LossReduction, LossValue, OutputKind } from './types.js';
import { checkCommonArguments } from './validate-arguments.js';
import { assertSoftmaxShapes } from './validate-shapes.js';
import { planValueChecks, runValueChecksSync } from './value-checks.js';

/** Inputs of {@link softmaxDistillationLoss}. */
export interface SoftmaxDistillationLossArgs<R extends LossReduction = 'mean'> extends DistillationLossOptions<R> {
  /** Ground truth: class indices `[N]` or `[N, 1]` (integers in [0, K)), or one-hot rows `[N, K]`. */
  yTrue: tf.Tensor;
  /** Teacher outputs `[N, K]`: logits, or softmax probabilities with `teacherKind: 'probabilities'`. */
  teacher: tf.Tensor;
  /** Student logits `[N, K]` (the output before the softmax), K ≥ 2. */
  student: tf.Tensor;
  /** What `teacher` holds; default `'logits'`, like the student. */
  teacherKind?: OutputKind;
  /** Softens both models' distributions for the soft part; finite and > 0, default 1. */
  temperature?: number;
}

/**
 * Hinton et al. (2015) distillation for K ≥ 2 classes, from logits:
 * - `hard = CE(y, softmax(s)) = −Σ_k y_k·log softmax(s)_k`, always at T = 1;
 * - `soft = T²·KL(softmax(t/T) ‖ softmax(s/T)) = T²·Σ_k p_k·(log p_k − log q_k)`;
 * - `total = α·hard + (1 − α)·soft`.
 *
 * Log-probabilities come from log-softmax, so nothing takes log(0). The soft part's gradient is
 * `T·(softmax(s/T) − softmax(t/T))`; the T² factor keeps it on the hard part's scale.
 *
 * Teacher probabilities are used as given at T = 1 (with 0·log 0 = 0); at other temperatures
 * they are clamped to [1e-7, 1] and their logs used as logits, `softmax(log p / T)`.
 *
 * A one-unit output throws `KD_SINGLE_UNIT_SOFTMAX` (a softmax over one unit is constantly 1, so
 * the loss would silently be 0): use {@link binaryDistillationLossFromLogits} for those.
 *
 * @example
 * ```ts
 * const yTrue = tf.tensor1d([2, 0], 'int32');
 * const teacher = tf.tensor2d([[0.5, 1.0, 3.0], [2.0, 0.1, -1.0]]);
 * const student = tf.tensor2d([[0.2, 0.1, 1.0], [0.3, 0.2, 0.1]]);
 * const { total } = softmaxDistillationLoss({ yTrue, teacher, student, alpha: 0.1, temperature: 4 });
 * ```
 */
export function softmaxDistillationLoss<R extends LossReduction = 'mean'>(
  args: SoftmaxDistillationLossArgs<R>,
): LossParts<LossValue<R>> {
  const { yTrue, teacher, student, sampleWeight, alpha } = args;
  const { teacherKind, temperature, reduction } = checkCommonArguments<R>(args, 'logits');
  const { numClasses, labelLayout } = assertSoftmaxShapes({ yTrue, teacher, student, sampleWeight });
  if (args.checkValues === true) {
    runValueChecksSync(
      planValueChecks({ loss: 'softmax', yTrue, teacher, teacherKind, student, sampleWeight, numClasses, labelLayout }),
    );
  }
  const k = numClasses!;

  return tf.tidy(() => {
    const s = tf.cast(student, 'float32');
    const t = tf.cast(teacher, 'float32');
    // One-hot as int32, then cast: tfjs-backend-wasm's OneHot ignores a float32 dtype and writes integer bits.
    const target =
      labelLayout === 'oneHot'
        ? tf.cast(yTrue, 'float32')
        : tf.cast(tf.oneHot(tf.reshape(tf.cast(yTrue, 'int32'), [-1]), k), 'float32');
    const hard = crossEntropyRows(target, tf.logSoftmax(s));

    const logQ = temperature === 1 ? tf.logSoftmax(s) : tf.logSoftmax(tf.div(s, temperature));
    let p: tf.Tensor;
    let logP: tf.Tensor;
    if (teacherKind === 'probabilities' && temperature === 1) {
      p = t;
      logP = logOfProbabilities(p);
    } else {
      const teacherLogits = teacherKind === 'logits' ? t : tf.log(tf.clipByValue(t, PROBABILITY_EPSILON, 1));
      logP = tf.logSoftmax(temperature === 1 ? teacherLogits : tf.div(teacherLogits, temperature));
      p = tf.exp(logP);
    }
    // Σ p·(log p − log q) rather than Σ p·log p − Σ p·log q: no cancellation when q is close to p.
    const kl = tf.sum(tf.mul(p, tf.sub(logP, logQ)), -1);
    const soft = temperature === 1 ? kl : tf.mul(temperature * temperature, kl);
    return reduceLossParts(hard, soft, alpha, sampleWeight, reduction);
  });
}
