import * as tf from '@tensorflow/tfjs-core';
import {
  binaryDistillationLoss,
  binaryDistillationLossFromLogits,
  distill,
  precomputedTeacher,
  softmaxDistillationLoss,
  type KdErrorCode,
  type KdRuntime,
} from '@kd/core';
import { mlpStudent } from '../reference/students.js';

/** A bad input and the error code every runtime must raise for it. */
export interface ErrorCase {
  name: string;
  code: KdErrorCode;
  /** Runs the bad call; it must reject (or throw) before anything trains. */
  run(runtime: KdRuntime): Promise<unknown>;
}

/** What a bad call raised. */
export interface ObservedError {
  /** `KdError`, or the name of whatever else was thrown; undefined when nothing was thrown. */
  name?: string | undefined;
  code?: string | undefined;
  message?: string | undefined;
}

const ROWS = 8;

/** Runs `distill` on a small valid problem with some parts replaced. */
async function distillWith(
  runtime: KdRuntime,
  change: { x?: number[][]; y?: number[]; alpha?: number; temperature?: number },
): Promise<unknown> {
  const xs = change.x ?? Array.from({ length: ROWS }, (_, i) => [i / ROWS, 1 - i / ROWS, (i % 3) / 3]);
  const ys = change.y ?? Array.from({ length: ROWS }, (_, i) => i % 2);
  const x = tf.tensor2d(xs);
  const y = tf.tensor1d(ys);
  const student = mlpStudent(3, 3, 1);
  try {
    return await distill({
      runtime,
      teacher: precomputedTeacher(
        Array.from({ length: xs.length }, (_, i) => (i % 2 ? 1.5 : -1.5)),
        { output: 'logits' },
      ),
      student,
      data: { x, y },
      epochs: 1,
      batchSize: 4,
      ...(change.alpha === undefined ? {} : { alpha: change.alpha }),
      ...(change.temperature === undefined ? {} : { temperature: change.temperature }),
    });
  } finally {
    student.dispose();
    tf.dispose([x, y]);
  }
}

/** Runs a loss on tensors made from nested arrays and disposes everything. */
async function lossWith(make: () => { tensors: tf.Tensor[]; call: () => unknown }): Promise<unknown> {
  const { tensors, call } = make();
  try {
    const out = call() as Record<string, tf.Tensor> | undefined;
    if (out) tf.dispose(Object.values(out));
    return out;
  } finally {
    tf.dispose(tensors);
  }
}

/** The bad inputs of the conformance suite: each must raise the same code on every runtime. */
export const ERROR_CASES: readonly ErrorCase[] = [
  { name: 'alpha 1.5 in distill', code: 'KD_ALPHA_RANGE', run: (r) => distillWith(r, { alpha: 1.5 }) },
  {
    name: 'alpha 1.5 in binaryDistillationLoss',
    code: 'KD_ALPHA_RANGE',
    run: () =>
      lossWith(() => {
        const t = [tf.tensor1d([1, 0]), tf.tensor1d([0.8, 0.3]), tf.tensor1d([0.6, 0.4])];
        return {
          tensors: t,
          call: () => binaryDistillationLoss({ yTrue: t[0]!, teacher: t[1]!, student: t[2]!, alpha: 1.5 }),
        };
      }),
  },
  { name: 'temperature 0 in distill', code: 'KD_TEMPERATURE_RANGE', run: (r) => distillWith(r, { temperature: 0 }) },
  {
    name: 'temperature 0 in softmaxDistillationLoss',
    code: 'KD_TEMPERATURE_RANGE',
    run: () =>
      lossWith(() => {
        const t = [
          tf.tensor1d([0, 2], 'int32'),
          tf.tensor2d([
            [1, 0, 2],
            [0, 1, 3],
          ]),
          tf.tensor2d([
            [0, 0, 1],
            [1, 0, 0],
          ]),
        ];
        return {
          tensors: t,
          call: () =>
            softmaxDistillationLoss({ yTrue: t[0]!, teacher: t[1]!, student: t[2]!, alpha: 0.5, temperature: 0 }),
        };
      }),
  },
  {
    name: 'binary labels {0, 2} in distill',
    code: 'KD_LABEL_RANGE',
    run: (r) => distillWith(r, { y: Array.from({ length: ROWS }, (_, i) => (i % 2) * 2) }),
  },
  {
    name: 'binary labels {0, 2} in binaryDistillationLoss with checkValues',
    code: 'KD_LABEL_RANGE',
    run: () =>
      lossWith(() => {
        const t = [tf.tensor1d([0, 2]), tf.tensor1d([0.8, 0.3]), tf.tensor1d([0.6, 0.4])];
        return {
          tensors: t,
          call: () =>
            binaryDistillationLoss({ yTrue: t[0]!, teacher: t[1]!, student: t[2]!, alpha: 0.5, checkValues: true }),
        };
      }),
  },
  {
    name: 'x and y row counts differ in distill',
    code: 'KD_SHAPE_MISMATCH',
    run: (r) => distillWith(r, { y: [0, 1, 0, 1, 0, 1] }),
  },
  {
    name: 'student and teacher sample counts differ in binaryDistillationLossFromLogits',
    code: 'KD_SHAPE_MISMATCH',
    run: () =>
      lossWith(() => {
        const t = [tf.tensor1d([1, 0, 1]), tf.tensor1d([0.5, -1, 2, 0.1]), tf.tensor1d([0.2, 0.3, -0.4])];
        return {
          tensors: t,
          call: () => binaryDistillationLossFromLogits({ yTrue: t[0]!, teacher: t[1]!, student: t[2]!, alpha: 0.5 }),
        };
      }),
  },
  {
    name: 'one-unit output in softmaxDistillationLoss',
    code: 'KD_SINGLE_UNIT_SOFTMAX',
    run: () =>
      lossWith(() => {
        const t = [tf.tensor1d([0, 0], 'int32'), tf.tensor2d([[0.3], [1.2]]), tf.tensor2d([[0.1], [0.4]])];
        return {
          tensors: t,
          call: () => softmaxDistillationLoss({ yTrue: t[0]!, teacher: t[1]!, student: t[2]!, alpha: 0.5 }),
        };
      }),
  },
  {
    name: 'NaN feature in distill',
    code: 'KD_NON_FINITE',
    run: (r) =>
      distillWith(r, { x: Array.from({ length: ROWS }, (_, i) => [i === 5 ? Number.NaN : i / ROWS, 0.5, 0.25]) }),
  },
];

/** Runs a bad call and reports what it raised. */
export async function observeError(c: ErrorCase, runtime: KdRuntime): Promise<ObservedError> {
  try {
    await c.run(runtime);
    return {};
  } catch (e) {
    const err = e as { name?: string; code?: string; message?: string };
    return { name: err?.name, code: err?.code, message: err?.message };
  }
}
