import type { KdRuntime, Student } from '@kd/core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { convStudent, customMlpStudent, mlpStudent } from './students.js';
import { syntheticData, type SyntheticDataOptions } from './synthetic-data.js';
import { perStepLosses, type OptimizerSpec } from './training-run.js';

/** A reference training run, described in plain JSON so that it can be stored with its losses. */
export interface TrajectorySpec {
  name: string;
  student: 'mlp' | 'conv' | 'custom-mlp';
  studentSeed: number;
  data: SyntheticDataOptions;
  teacherKind: 'logits' | 'probabilities';
  alpha: number;
  temperature: number;
  optimizer: OptimizerSpec;
  steps: number;
}

const MLP_DATA: SyntheticDataOptions = { rows: 64, inputShape: [12], units: 1, seed: 11 };
const CONV_DATA: SyntheticDataOptions = { rows: 32, inputShape: [8, 8, 1], units: 3, seed: 23 };
const CUSTOM_DATA: SyntheticDataOptions = { rows: 48, inputShape: [6], units: 3, seed: 37 };

/** The training runs every runtime must reproduce, step by step, within tolerance. */
export const TRAJECTORY_SPECS: readonly TrajectorySpec[] = [
  {
    name: 'mlp, binary, adam, T 2',
    student: 'mlp',
    studentSeed: 1,
    data: MLP_DATA,
    teacherKind: 'logits',
    alpha: 0.5,
    temperature: 2,
    optimizer: { kind: 'adam', learningRate: 0.01 },
    steps: 24,
  },
  {
    name: 'mlp, binary, sgd, teacher probabilities',
    student: 'mlp',
    studentSeed: 2,
    data: MLP_DATA,
    teacherKind: 'probabilities',
    alpha: 0.3,
    temperature: 1,
    optimizer: { kind: 'sgd', learningRate: 0.5 },
    steps: 24,
  },
  {
    name: 'conv, 3 classes, adam, T 2',
    student: 'conv',
    studentSeed: 3,
    data: CONV_DATA,
    teacherKind: 'logits',
    alpha: 0.3,
    temperature: 2,
    optimizer: { kind: 'adam', learningRate: 0.01 },
    steps: 24,
  },
  {
    name: 'conv, 3 classes, sgd, teacher probabilities',
    student: 'conv',
    studentSeed: 4,
    data: CONV_DATA,
    teacherKind: 'probabilities',
    alpha: 0.5,
    temperature: 1,
    optimizer: { kind: 'sgd', learningRate: 0.1 },
    steps: 24,
  },
  {
    name: 'custom student, 3 classes, sgd, T 3',
    student: 'custom-mlp',
    studentSeed: 5,
    data: CUSTOM_DATA,
    teacherKind: 'logits',
    alpha: 0.4,
    temperature: 3,
    optimizer: { kind: 'sgd', learningRate: 0.3 },
    steps: 24,
  },
];

/** Builds the student a spec names. */
export function buildSpecStudent(spec: TrajectorySpec): Student | tfl.LayersModel {
  const [inputs] = spec.data.inputShape;
  if (spec.student === 'conv') return convStudent(spec.studentSeed, spec.data.units);
  if (spec.student === 'custom-mlp') return customMlpStudent(spec.studentSeed, inputs!, spec.data.units);
  return mlpStudent(spec.studentSeed, inputs!, spec.data.units);
}

/** Runs a spec on `runtime` and returns its per-step losses; the student is disposed afterwards. */
export async function recordTrajectory(runtime: KdRuntime, spec: TrajectorySpec): Promise<number[]> {
  const student = buildSpecStudent(spec);
  try {
    return await perStepLosses({
      runtime,
      student,
      data: syntheticData(spec.data),
      teacherKind: spec.teacherKind,
      alpha: spec.alpha,
      temperature: spec.temperature,
      optimizer: spec.optimizer,
      steps: spec.steps,
    });
  } finally {
    student.dispose();
  }
}
