import type * as tf from '@tensorflow/tfjs-core';
import { KdError } from '../errors/kd-error.js';

/** Inputs of the binary losses; absent ones are not checked (checkLossInputs may lack a student). */
export interface BinaryShapeInputs {
  yTrue?: tf.Tensor | undefined;
  teacher?: tf.Tensor | undefined;
  student?: tf.Tensor | undefined;
  sampleWeight?: tf.Tensor | undefined;
}

/** Inputs of the softmax loss; absent ones are not checked. */
export type SoftmaxShapeInputs = BinaryShapeInputs;

/** How softmax labels are laid out: class indices `[N]`/`[N, 1]`, or one-hot rows `[N, K]`. */
export type LabelLayout = 'indices' | 'oneHot';

export interface SoftmaxShapeFacts {
  /** K, when the teacher or the student is given. */
  numClasses: number | undefined;
  /** How yTrue is laid out, when it is given. */
  labelLayout: LabelLayout | undefined;
}

/** Every given input must be `[N]` or `[N, 1]` with one N, N ≥ 1. */
export function assertBinaryShapes(inputs: BinaryShapeInputs): void {
  const named = present(inputs);
  for (const [argument, t] of named) {
    const isColumn = t.rank === 1 || (t.rank === 2 && t.shape[1] === 1);
    if (!isColumn) {
      throw new KdError(
        'KD_SHAPE_MISMATCH',
        `${argument} has shape ${fmt(t.shape)}; binary losses expect [N] or [N, 1] (one output unit). ` +
          (t.rank === 2 ? 'For K > 1 classes use softmaxDistillationLoss.' : 'Reshape it to [N] or [N, 1].'),
        { argument, shape: t.shape, expected: '[N] or [N, 1]' },
      );
    }
  }
  assertOneSampleCount(named);
}

/**
 * Student and teacher must be `[N, K]` with K ≥ 2; yTrue `[N]` or `[N, 1]` (class indices) or
 * `[N, K]` (one-hot); sampleWeight `[N]` or `[N, 1]`.
 */
export function assertSoftmaxShapes(inputs: SoftmaxShapeInputs): SoftmaxShapeFacts {
  let numClasses: number | undefined;
  let classesFrom = '';
  for (const argument of ['student', 'teacher'] as const) {
    const t = inputs[argument];
    if (t === undefined) continue;
    if (t.rank === 1 || (t.rank === 2 && t.shape[1] === 1)) {
      throw new KdError(
        'KD_SINGLE_UNIT_SOFTMAX',
        `${argument} has shape ${fmt(t.shape)}: a single output unit. A softmax over one unit is always 1, so the loss would be 0 ` +
          'and nothing would be learned. Use binaryDistillationLossFromLogits (or binaryDistillationLoss for probabilities) for one-unit outputs.',
        { argument, shape: t.shape },
      );
    }
    if (t.rank !== 2) {
      throw new KdError(
        'KD_SHAPE_MISMATCH',
        `${argument} has shape ${fmt(t.shape)}; softmaxDistillationLoss expects [N, K]. Flatten extra axes first.`,
        {
          argument,
          shape: t.shape,
          expected: '[N, K]',
        },
      );
    }
    const k = t.shape[1]!;
    if (numClasses !== undefined && k !== numClasses) {
      throw new KdError(
        'KD_SHAPE_MISMATCH',
        `${argument} has ${k} classes but ${classesFrom} has ${numClasses}; teacher and student must score the same K classes in the same order.`,
        { argument, shape: t.shape, expected: `[N, ${numClasses}]` },
      );
    }
    numClasses = k;
    classesFrom = argument;
  }

  let labelLayout: LabelLayout | undefined;
  const y = inputs.yTrue;
  if (y !== undefined) {
    if (y.rank === 1 || (y.rank === 2 && y.shape[1] === 1)) labelLayout = 'indices';
    else if (y.rank === 2 && (numClasses === undefined || y.shape[1] === numClasses)) labelLayout = 'oneHot';
    else {
      const expected = numClasses === undefined ? '[N], [N, 1] or [N, K]' : `[N], [N, 1] or [N, ${numClasses}]`;
      throw new KdError(
        'KD_SHAPE_MISMATCH',
        `yTrue has shape ${fmt(y.shape)}; softmaxDistillationLoss expects ${expected}: class indices or one-hot rows matching the outputs.`,
        { argument: 'yTrue', shape: y.shape, expected },
      );
    }
  }

  const w = inputs.sampleWeight;
  if (w !== undefined && !(w.rank === 1 || (w.rank === 2 && w.shape[1] === 1))) {
    throw new KdError(
      'KD_SHAPE_MISMATCH',
      `sampleWeight has shape ${fmt(w.shape)}; expected [N] or [N, 1], one weight per sample.`,
      {
        argument: 'sampleWeight',
        shape: w.shape,
        expected: '[N] or [N, 1]',
      },
    );
  }
  assertOneSampleCount(present(inputs));
  return { numClasses, labelLayout };
}

function present(inputs: BinaryShapeInputs): Array<[string, tf.Tensor]> {
  const order = ['yTrue', 'teacher', 'student', 'sampleWeight'] as const;
  return order.flatMap((name) => (inputs[name] === undefined ? [] : [[name, inputs[name]] as [string, tf.Tensor]]));
}

function assertOneSampleCount(named: Array<[string, tf.Tensor]>): void {
  const first = named[0];
  if (first === undefined) return;
  const n = first[1].shape[0]!;
  for (const [argument, t] of named) {
    if (t.shape[0] === 0) {
      throw new KdError(
        'KD_SHAPE_MISMATCH',
        `${argument} has shape ${fmt(t.shape)}: no samples. A loss needs at least one sample (N ≥ 1).`,
        {
          argument,
          shape: t.shape,
        },
      );
    }
    if (t.shape[0] !== n) {
      throw new KdError(
        'KD_SHAPE_MISMATCH',
        `${argument} has ${t.shape[0]} samples (shape ${fmt(t.shape)}) but ${first[0]} has ${n} (shape ${fmt(first[1].shape)}); ` +
          'all inputs must hold the same N samples in the same order.',
        { argument, shape: t.shape, expected: `N = ${n}` },
      );
    }
  }
}

function fmt(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}
