import * as tf from '@tensorflow/tfjs-core';
import {
  binaryDistillationLoss,
  binaryDistillationLossFromLogits,
  softmaxDistillationLoss,
  type LossParts,
} from '@kd/core';
import type { LossFixtureCase } from '../fixtures/types.js';
import { compareValues, type Difference } from '../reference/compare.js';
import type { ToleranceSet } from '../reference/tolerance.js';
import { toTensor } from './fixture-tensor.js';

/** What a runtime computed for one loss fixture. */
export interface LossMeasurement {
  /** `[total, hard, soft]`. */
  parts: number[];
  /** Gradient of `total` with respect to the student input, flattened. */
  gradient: number[];
}

/** A runtime's loss values and gradient for one fixture, with their differences from float64. */
export interface LossComparison {
  name: string;
  measured: LossMeasurement;
  expectedParts: number[];
  expectedGradient: number[];
  parts: Difference;
  gradient: Difference;
}

function evaluate(c: LossFixtureCase, inputs: Record<string, tf.Tensor>, student: tf.Tensor): LossParts {
  const common = {
    yTrue: inputs.yTrue!,
    teacher: inputs.teacher!,
    student,
    alpha: c.args.alpha,
    teacherKind: c.args.teacherKind,
    reduction: c.args.reduction,
    ...(inputs.sampleWeight ? { sampleWeight: inputs.sampleWeight } : {}),
  };
  if (c.loss === 'binary') return binaryDistillationLoss(common);
  if (c.loss === 'binaryFromLogits')
    return binaryDistillationLossFromLogits({ ...common, temperature: c.args.temperature ?? 1 });
  return softmaxDistillationLoss({ ...common, temperature: c.args.temperature ?? 1 });
}

/** Evaluates one loss fixture on the active backend: loss parts and `d total / d student`. */
export async function measureLossCase(c: LossFixtureCase): Promise<LossMeasurement> {
  const inputs: Record<string, tf.Tensor> = {};
  for (const [key, value] of Object.entries(c.inputs)) if (value) inputs[key] = toTensor(value);
  try {
    const parts = evaluate(c, inputs, inputs.student!);
    const partsTensor = tf.stack([parts.total, parts.hard, parts.soft]);
    tf.dispose([parts.total, parts.hard, parts.soft]);
    const gradient = tf.grad((s: tf.Tensor) => evaluate(c, inputs, s).total)(inputs.student!);
    const [p, g] = await Promise.all([partsTensor.data(), gradient.data()]);
    tf.dispose([partsTensor, gradient]);
    return { parts: Array.from(p), gradient: Array.from(g) };
  } finally {
    tf.dispose(Object.values(inputs));
  }
}

/** Evaluates one loss fixture and compares it with its float64 expectations. */
export async function compareLossCase(c: LossFixtureCase, tolerances: ToleranceSet): Promise<LossComparison> {
  const measured = await measureLossCase(c);
  const expectedParts = [c.expected.total, c.expected.hard, c.expected.soft];
  const expectedGradient = c.expected.gradStudent.values;
  return {
    name: c.name,
    measured,
    expectedParts,
    expectedGradient,
    parts: compareValues(measured.parts, expectedParts, tolerances.loss),
    gradient: compareValues(measured.gradient, expectedGradient, tolerances.gradient),
  };
}
