import type * as tf from '@tensorflow/tfjs-core';
import { KdError } from '../errors/kd-error.js';
import type { DistillationLossName } from './loss-names.js';
import { STUDENT_KIND } from './loss-names.js';
import type { OutputKind } from './types.js';
import type { LabelLayout } from './validate-shapes.js';

/** Tolerance on the row sums of softmax probabilities: float32 softmax over many classes drifts a little. */
const ROW_SUM_TOLERANCE = 1e-3;

type Values = ArrayLike<number>;

/** One tensor to read and the rule its values must follow. Planning reads nothing. */
export interface PlannedValueCheck {
  argument: string;
  tensor: tf.Tensor;
  /** The first problem found, or undefined. `rowWidth` is the last axis size (1 for vectors). */
  findProblem(values: Values, rowWidth: number): KdError | undefined;
}

/** Inputs to plan value checks for; shapes are already validated. */
export interface ValueCheckInputs {
  loss: DistillationLossName;
  yTrue?: tf.Tensor;
  teacher?: tf.Tensor;
  teacherKind: OutputKind;
  student?: tf.Tensor;
  sampleWeight?: tf.Tensor;
  /** For the softmax loss: K when known, and how yTrue is laid out. */
  numClasses?: number;
  labelLayout?: LabelLayout;
}

/**
 * Decides which values each given input must hold. Both the asynchronous check
 * (`checkLossInputs`) and the synchronous one (`checkValues: true`) run this same plan.
 */
export function planValueChecks(inputs: ValueCheckInputs): PlannedValueCheck[] {
  const plan: PlannedValueCheck[] = [];
  const softmax = inputs.loss === 'softmax';
  if (inputs.yTrue !== undefined) {
    let rule: PlannedValueCheck['findProblem'];
    if (!softmax) rule = (v) => firstNonFinite('yTrue', v) ?? binaryLabels(v);
    else if (inputs.labelLayout === 'oneHot') rule = (v, width) => firstNonFinite('yTrue', v) ?? oneHotRows(v, width);
    else rule = (v) => firstNonFinite('yTrue', v) ?? classIndices(v, inputs.numClasses);
    plan.push({ argument: 'yTrue', tensor: inputs.yTrue, findProblem: rule });
  }
  if (inputs.teacher !== undefined) {
    plan.push({
      argument: 'teacher',
      tensor: inputs.teacher,
      findProblem: outputRule('teacher', inputs.teacherKind, softmax),
    });
  }
  if (inputs.student !== undefined) {
    plan.push({
      argument: 'student',
      tensor: inputs.student,
      findProblem: outputRule('student', STUDENT_KIND[inputs.loss], softmax),
    });
  }
  if (inputs.sampleWeight !== undefined) {
    plan.push({
      argument: 'sampleWeight',
      tensor: inputs.sampleWeight,
      findProblem: (v) => firstNonFinite('sampleWeight', v) ?? nonNegative(v),
    });
  }
  return plan;
}

/** Runs a plan reading each tensor with `dataSync` (blocks until the values are on the CPU). */
export function runValueChecksSync(plan: readonly PlannedValueCheck[]): void {
  for (const check of plan) {
    const problem = check.findProblem(check.tensor.dataSync() as Values, rowWidth(check.tensor));
    if (problem !== undefined) throw problem;
  }
}

/** Runs a plan reading each tensor with `await data()`, one tensor at a time. */
export async function runValueChecks(plan: readonly PlannedValueCheck[]): Promise<void> {
  for (const check of plan) {
    const problem = check.findProblem((await check.tensor.data()) as Values, rowWidth(check.tensor));
    if (problem !== undefined) throw problem;
  }
}

function rowWidth(t: tf.Tensor): number {
  return t.rank === 2 ? t.shape[1]! : 1;
}

function outputRule(argument: string, kind: OutputKind, softmax: boolean): PlannedValueCheck['findProblem'] {
  if (kind === 'logits') return (v) => firstNonFinite(argument, v);
  return (v, width) =>
    firstNonFinite(argument, v) ??
    probabilities(argument, v) ??
    (softmax ? probabilityRows(argument, v, width) : undefined);
}

function firstNonFinite(argument: string, v: Values): KdError | undefined {
  for (let i = 0; i < v.length; i++) {
    if (!Number.isFinite(v[i]!)) {
      return new KdError(
        'KD_NON_FINITE',
        `${argument} holds ${v[i]} at flat index ${i}; every value must be finite. Check the data pipeline (missing values, division by zero) or lower the learning rate if a model diverged.`,
        { argument, index: i, value: v[i] },
      );
    }
  }
  return undefined;
}

function binaryLabels(v: Values): KdError | undefined {
  for (let i = 0; i < v.length; i++) {
    if (v[i] !== 0 && v[i] !== 1) {
      return new KdError(
        'KD_LABEL_RANGE',
        `yTrue holds ${v[i]} at index ${i}; binary labels must be 0 or 1. Map the classes to 0/1 first (for soft targets, distil them as the teacher instead).`,
        { argument: 'yTrue', index: i, value: v[i] },
      );
    }
  }
  return undefined;
}

function classIndices(v: Values, numClasses: number | undefined): KdError | undefined {
  for (let i = 0; i < v.length; i++) {
    const c = v[i]!;
    if (!Number.isInteger(c) || c < 0 || (numClasses !== undefined && c >= numClasses)) {
      const range = numClasses === undefined ? 'a non-negative integer' : `an integer in [0, ${numClasses - 1}]`;
      return new KdError(
        'KD_LABEL_RANGE',
        `yTrue holds class index ${c} at sample ${i}; each label must be ${range}.`,
        {
          argument: 'yTrue',
          index: i,
          value: c,
          numClasses,
        },
      );
    }
  }
  return undefined;
}

function oneHotRows(v: Values, width: number): KdError | undefined {
  for (let row = 0; row * width < v.length; row++) {
    let ones = 0;
    for (let j = row * width; j < (row + 1) * width; j++) {
      if (v[j] === 1) ones++;
      else if (v[j] !== 0) ones = -Infinity;
    }
    if (ones !== 1) {
      return new KdError(
        'KD_LABEL_RANGE',
        `yTrue row ${row} is not one-hot; each row of [N, K] labels must hold a single 1 and zeros elsewhere. Pass class indices [N] instead if that is easier.`,
        { argument: 'yTrue', index: row, row: Array.from(v).slice(row * width, (row + 1) * width) },
      );
    }
  }
  return undefined;
}

function probabilities(argument: string, v: Values): KdError | undefined {
  for (let i = 0; i < v.length; i++) {
    if (v[i]! < 0 || v[i]! > 1) {
      return new KdError(
        'KD_PROBABILITY_RANGE',
        `${argument} holds ${v[i]} at flat index ${i}, outside [0, 1], but it was declared as probabilities. If these are logits, say so (teacherKind: 'logits', or the FromLogits loss for the student).`,
        { argument, index: i, value: v[i] },
      );
    }
  }
  return undefined;
}

function probabilityRows(argument: string, v: Values, width: number): KdError | undefined {
  for (let row = 0; row * width < v.length; row++) {
    let sum = 0;
    for (let j = row * width; j < (row + 1) * width; j++) sum += v[j]!;
    if (Math.abs(sum - 1) > ROW_SUM_TOLERANCE) {
      return new KdError(
        'KD_PROBABILITY_RANGE',
        `${argument} row ${row} sums to ${sum}; softmax probabilities must sum to 1 per sample (±${ROW_SUM_TOLERANCE}). Pass the softmax output, or the logits with teacherKind: 'logits'.`,
        { argument, index: row, sum },
      );
    }
  }
  return undefined;
}

function nonNegative(v: Values): KdError | undefined {
  for (let i = 0; i < v.length; i++) {
    if (v[i]! < 0) {
      return new KdError(
        'KD_INVALID_ARGUMENT',
        `sampleWeight holds ${v[i]} at sample ${i}; sample weights must be ≥ 0.`,
        {
          argument: 'sampleWeight',
          index: i,
          value: v[i],
        },
      );
    }
  }
  return undefined;
}
