import type * as tf from '@tensorflow/tfjs-core';
import type { KdError } from '../errors/kd-error.js';
import {
  findBinaryLabelProblem,
  findClassIndexProblem,
  findNonFinite,
  findOneHotProblem,
  findProbabilityProblem,
  findProbabilityRowProblem,
  findSampleWeightProblem,
  type Values,
} from '../values/index.js';
import type { DistillationLossName } from './loss-names.js';
import { STUDENT_KIND } from './loss-names.js';
import type { OutputKind } from './types.js';
import type { LabelLayout } from './validate-shapes.js';

const LABELS = { name: 'yTrue' };

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
  yTrue?: tf.Tensor | undefined;
  teacher?: tf.Tensor | undefined;
  teacherKind: OutputKind;
  student?: tf.Tensor | undefined;
  sampleWeight?: tf.Tensor | undefined;
  /** For the softmax loss: K when known, and how yTrue is laid out. */
  numClasses?: number | undefined;
  labelLayout?: LabelLayout | undefined;
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
    if (!softmax) rule = (v) => findNonFinite(v, LABELS) ?? findBinaryLabelProblem(v, LABELS);
    else if (inputs.labelLayout === 'oneHot')
      rule = (v, width) => findNonFinite(v, LABELS) ?? findOneHotProblem(v, width, LABELS);
    else rule = (v) => findNonFinite(v, LABELS) ?? findClassIndexProblem(v, inputs.numClasses, LABELS);
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
      findProblem: (v) => findSampleWeightProblem(v, { name: 'sampleWeight' }),
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
  const source = { name: argument };
  const hint =
    argument === 'teacher'
      ? "if these are logits, declare teacherKind: 'logits'."
      : 'if these are logits, use the FromLogits loss.';
  if (kind === 'logits') return (v) => findNonFinite(v, source);
  return (v, width) =>
    findNonFinite(v, source) ??
    findProbabilityProblem(v, source, hint) ??
    (softmax ? findProbabilityRowProblem(v, width, source) : undefined);
}
