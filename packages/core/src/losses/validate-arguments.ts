import type * as tf from '@tensorflow/tfjs-core';
import { KdError } from '../errors/kd-error.js';
import { assertAlpha, assertTemperature, describe } from '../values/ranges.js';
import { DISTILLATION_LOSS_NAMES, type DistillationLossName } from './loss-names.js';
import type { LossReduction, OutputKind } from './types.js';

const REDUCTIONS: readonly LossReduction[] = ['mean', 'sum', 'none'];
const OUTPUT_KINDS: readonly OutputKind[] = ['logits', 'probabilities'];

/** Duck-typed so that tensors from another bundled copy of tfjs-core are accepted too. */
export function assertTensor(value: unknown, argument: string): asserts value is tf.Tensor {
  const t = value as Partial<tf.Tensor> | null | undefined;
  const looksLikeTensor = typeof t === 'object' && t !== null && Array.isArray(t.shape) && typeof t.dtype === 'string';
  if (!looksLikeTensor) {
    throw new KdError(
      'KD_INVALID_ARGUMENT',
      `${argument} must be a tf.Tensor, got ${describe(value)}. Wrap the values with tf.tensor(...) first.`,
      {
        argument,
      },
    );
  }
  if (t.isDisposed) {
    throw new KdError(
      'KD_INVALID_ARGUMENT',
      `${argument} is a disposed tensor. Pass a live tensor: dispose it only after the loss has been computed.`,
      {
        argument,
      },
    );
  }
  if (t.dtype === 'string' || t.dtype === 'complex64') {
    throw new KdError(
      'KD_INVALID_ARGUMENT',
      `${argument} has dtype '${t.dtype}'; losses need numbers (float32, int32 or bool).`,
      {
        argument,
        dtype: t.dtype,
      },
    );
  }
}

/** Same as {@link assertTensor}, for optional inputs. */
export function assertOptionalTensor(value: unknown, argument: string): asserts value is tf.Tensor | undefined {
  if (value !== undefined) assertTensor(value, argument);
}

export function assertOutputKind(kind: unknown, argument: string): asserts kind is OutputKind {
  if (!OUTPUT_KINDS.includes(kind as OutputKind)) {
    throw new KdError(
      'KD_INVALID_ARGUMENT',
      `${argument} must be 'logits' or 'probabilities', got ${describe(kind)}.`,
      { argument, value: kind },
    );
  }
}

export function assertReduction(reduction: unknown): asserts reduction is LossReduction {
  if (!REDUCTIONS.includes(reduction as LossReduction)) {
    throw new KdError('KD_INVALID_ARGUMENT', `reduction must be 'mean', 'sum' or 'none', got ${describe(reduction)}.`, {
      reduction,
    });
  }
}

export function assertLossName(loss: unknown): asserts loss is DistillationLossName {
  if (!DISTILLATION_LOSS_NAMES.includes(loss as DistillationLossName)) {
    throw new KdError(
      'KD_INVALID_ARGUMENT',
      `loss must be one of ${DISTILLATION_LOSS_NAMES.map((n) => `'${n}'`).join(', ')}, got ${describe(loss)}.`,
      {
        loss,
      },
    );
  }
}

/** The arguments every distillation loss takes. */
interface CommonLossArguments {
  yTrue: unknown;
  teacher: unknown;
  student: unknown;
  sampleWeight?: unknown;
  alpha: unknown;
  teacherKind?: unknown;
  temperature?: unknown;
  reduction?: unknown;
}

/**
 * The checks every distillation loss makes before computing anything (tensors, α, T, teacher
 * kind, reduction), returning the options with their defaults applied.
 */
export function checkCommonArguments<R extends LossReduction>(
  args: CommonLossArguments,
  defaultTeacherKind: OutputKind,
): { teacherKind: OutputKind; temperature: number; reduction: R } {
  const teacherKind = args.teacherKind ?? defaultTeacherKind;
  const temperature = args.temperature ?? 1;
  const reduction = args.reduction ?? 'mean';
  assertTensor(args.yTrue, 'yTrue');
  assertTensor(args.teacher, 'teacher');
  assertTensor(args.student, 'student');
  assertOptionalTensor(args.sampleWeight, 'sampleWeight');
  assertAlpha(args.alpha);
  assertTemperature(temperature);
  assertOutputKind(teacherKind, 'teacherKind');
  assertReduction(reduction);
  return { teacherKind, temperature, reduction: reduction as R };
}
