import * as tf from '@tensorflow/tfjs-core';
import { distill, precomputedTeacher, type KdRuntime, type Student, type TrainableLayersModel } from '@kd/core';
import type { SyntheticData } from './synthetic-data.js';

/** An optimizer by name, so that a run can be described in JSON and rebuilt on any runtime. */
export type OptimizerSpec = { kind: 'adam'; learningRate: number } | { kind: 'sgd'; learningRate: number };

/**
 * Builds the optimizer. Adam gets epsilon 1e-7 explicitly: tfjs's default is the backend's
 * epsilon, which is 1e-4 on webgl and would make its trajectory differ from the others.
 */
export function createOptimizer(spec: OptimizerSpec): tf.Optimizer {
  return spec.kind === 'adam' ? tf.train.adam(spec.learningRate, 0.9, 0.999, 1e-7) : tf.train.sgd(spec.learningRate);
}

/** Features and labels of a {@link SyntheticData} as tensors on the active backend. */
export function dataTensors(data: SyntheticData): { x: tf.Tensor; y: tf.Tensor1D } {
  const x = tf.tensor(data.x, [data.rows, ...data.inputShape]);
  const y = data.units === 1 ? tf.tensor1d(data.labels) : tf.tensor1d(data.labels, 'int32');
  return { x, y };
}

/** One distillation run whose per-step losses are recorded. */
export interface TrainingRun {
  runtime: KdRuntime;
  student: Student | TrainableLayersModel;
  data: SyntheticData;
  /** Whether the teacher hands over logits or probabilities. */
  teacherKind: 'logits' | 'probabilities';
  alpha: number;
  temperature: number;
  optimizer: OptimizerSpec;
  steps: number;
}

/**
 * Trains with `distill` on the whole data set as one batch, without shuffling, so that every
 * epoch is exactly one optimisation step and the epoch loss is that step's loss. Returns the
 * loss of every step (computed before the step's update).
 */
export async function perStepLosses(run: TrainingRun): Promise<number[]> {
  const { data } = run;
  const { x, y } = dataTensors(data);
  const values = run.teacherKind === 'logits' ? data.teacherLogits : data.teacherProbabilities;
  const teacher = precomputedTeacher(values, {
    output: run.teacherKind,
    shape: [data.rows, data.units],
    name: 'synthetic-teacher',
  });
  const optimizer = createOptimizer(run.optimizer);
  const losses: number[] = [];
  try {
    await distill({
      runtime: run.runtime,
      teacher,
      student: run.student,
      data: { x, y },
      alpha: run.alpha,
      temperature: run.temperature,
      optimizer,
      epochs: run.steps,
      batchSize: data.rows,
      shuffle: false,
      callbacks: { onEpochEnd: (log) => void losses.push(log.loss) },
    });
  } finally {
    optimizer.dispose();
    tf.dispose([x, y]);
  }
  return losses;
}
