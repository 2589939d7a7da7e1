import type * as tf from '@tensorflow/tfjs-core';
import { STUDENT_KIND, type DistillationLossName } from './loss-names.js';
import type { OutputKind } from './types.js';
import { assertLossName, assertOptionalTensor, assertOutputKind } from './validate-arguments.js';
import { assertBinaryShapes, assertSoftmaxShapes } from './validate-shapes.js';
import { planValueChecks, runValueChecks } from './value-checks.js';

/** Inputs of {@link checkLossInputs}; every tensor is optional, only the given ones are checked. */
export interface CheckLossInputsArgs {
  /** The loss the inputs are meant for: decides the shapes and value ranges that apply. */
  loss: DistillationLossName;
  /** Ground truth, laid out as the loss takes it. */
  yTrue?: tf.Tensor;
  /** Teacher outputs. */
  teacher?: tf.Tensor;
  /** What `teacher` holds; defaults as in the loss: probabilities for `'binary'`, logits otherwise. */
  teacherKind?: OutputKind;
  /** Student outputs: probabilities for `'binary'`, logits otherwise. */
  student?: tf.Tensor;
  /** Per-sample weights `[N]` or `[N, 1]`. */
  sampleWeight?: tf.Tensor;
}

/**
 * Checks the values of loss inputs, reading them asynchronously (`await tensor.data()`), so that
 * a data set can be validated once before training instead of at every step:
 * - labels: 0/1 for the binary losses (`KD_LABEL_RANGE`); integers in [0, K) or one-hot rows for
 *   the softmax loss (`KD_LABEL_RANGE`; soft label rows are refused: pass soft targets as the teacher);
 * - probabilities in [0, 1], and softmax probability rows summing to 1 ± 1e-2
 *   (`KD_PROBABILITY_RANGE`);
 * - every value finite (`KD_NON_FINITE`); sample weights ≥ 0 (`KD_DATA_INVALID`).
 *
 * Shapes of the given tensors are checked first, as the loss would (`KD_SHAPE_MISMATCH`,
 * `KD_SINGLE_UNIT_SOFTMAX`). The losses run the same checks synchronously with
 * `checkValues: true`. Rejects with the first {@link KdError} found.
 *
 * @example
 * ```ts
 * await checkLossInputs({ loss: 'softmax', yTrue: labels, teacher: teacherLogits });
 * ```
 */
export async function checkLossInputs(args: CheckLossInputsArgs): Promise<void> {
  const { loss, yTrue, teacher, student, sampleWeight } = args;
  assertLossName(loss);
  const teacherKind = args.teacherKind ?? STUDENT_KIND[loss];
  assertOutputKind(teacherKind, 'teacherKind');
  assertOptionalTensor(yTrue, 'yTrue');
  assertOptionalTensor(teacher, 'teacher');
  assertOptionalTensor(student, 'student');
  assertOptionalTensor(sampleWeight, 'sampleWeight');
  const tensors = { yTrue, teacher, student, sampleWeight };
  if (loss === 'softmax') {
    const { numClasses, labelLayout } = assertSoftmaxShapes(tensors);
    await runValueChecks(planValueChecks({ loss, ...tensors, teacherKind, numClasses, labelLayout }));
  } else {
    assertBinaryShapes(tensors);
    await runValueChecks(planValueChecks({ loss, ...tensors, teacherKind }));
  }
}
