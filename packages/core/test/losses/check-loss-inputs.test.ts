import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-layers';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { isKdError, type KdErrorCode } from '../../src/errors/kd-error.js';
import {
  binaryDistillationLoss,
  binaryDistillationLossFromLogits,
  checkLossInputs,
  softmaxDistillationLoss,
  type DistillationLossName,
  type OutputKind,
} from '../../src/losses/index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

afterEach(() => {
  vi.restoreAllMocks();
});

interface Values {
  yTrue: tf.Tensor;
  teacher: tf.Tensor;
  student: tf.Tensor;
  sampleWeight?: tf.Tensor;
  teacherKind?: OutputKind;
}

/** Valid inputs for each loss; each case below spoils one of them. */
function validInputs(loss: DistillationLossName): Values {
  if (loss === 'softmax') {
    return {
      yTrue: tf.tensor1d([0, 2, 1], 'int32'),
      teacher: tf.tensor2d([
        [2, -1, 0.5],
        [0.1, 0.2, 3],
        [-2, 4, 1],
      ]),
      student: tf.tensor2d([
        [1, 0, 0],
        [0, 0, 1],
        [0, 1, 0],
      ]),
      sampleWeight: tf.tensor1d([1, 0, 2]),
    };
  }
  const probabilities = loss === 'binary';
  return {
    yTrue: tf.tensor2d([1, 0, 1], [3, 1]),
    teacher: probabilities ? tf.tensor1d([0.9, 0, 1]) : tf.tensor1d([3, -2, 0.5]),
    student: probabilities ? tf.tensor1d([0.6, 0.4, 1]) : tf.tensor1d([12, -40, 0]),
    sampleWeight: tf.tensor1d([1, 0, 2]),
  };
}

interface Case {
  name: string;
  loss: DistillationLossName;
  code: KdErrorCode;
  spoil: () => Partial<Values>;
}

const cases: Case[] = [
  { name: 'binary label 2', loss: 'binary', code: 'KD_LABEL_RANGE', spoil: () => ({ yTrue: tf.tensor1d([1, 2, 0]) }) },
  {
    name: 'binary label 0.5',
    loss: 'binaryFromLogits',
    code: 'KD_LABEL_RANGE',
    spoil: () => ({ yTrue: tf.tensor1d([1, 0.5, 0]) }),
  },
  {
    name: 'binary label NaN',
    loss: 'binaryFromLogits',
    code: 'KD_NON_FINITE',
    spoil: () => ({ yTrue: tf.tensor1d([1, NaN, 0]) }),
  },
  {
    name: 'class index = K',
    loss: 'softmax',
    code: 'KD_LABEL_RANGE',
    spoil: () => ({ yTrue: tf.tensor1d([0, 3, 1], 'int32') }),
  },
  {
    name: 'class index −1',
    loss: 'softmax',
    code: 'KD_LABEL_RANGE',
    spoil: () => ({ yTrue: tf.tensor2d([0, -1, 1], [3, 1], 'int32') }),
  },
  {
    name: 'class index 1.5',
    loss: 'softmax',
    code: 'KD_LABEL_RANGE',
    spoil: () => ({ yTrue: tf.tensor1d([0, 1.5, 1]) }),
  },
  {
    name: 'one-hot row with two ones',
    loss: 'softmax',
    code: 'KD_LABEL_RANGE',
    spoil: () => ({
      yTrue: tf.tensor2d([
        [1, 0, 0],
        [0, 1, 1],
        [0, 1, 0],
      ]),
    }),
  },
  {
    name: 'one-hot row with a 0.5',
    loss: 'softmax',
    code: 'KD_LABEL_RANGE',
    spoil: () => ({
      yTrue: tf.tensor2d([
        [1, 0, 0],
        [0.5, 0.5, 0],
        [0, 1, 0],
      ]),
    }),
  },
  {
    name: 'teacher probability 1.2',
    loss: 'binary',
    code: 'KD_PROBABILITY_RANGE',
    spoil: () => ({ teacher: tf.tensor1d([0.9, 1.2, 0]) }),
  },
  {
    name: 'student probability −0.1',
    loss: 'binary',
    code: 'KD_PROBABILITY_RANGE',
    spoil: () => ({ student: tf.tensor1d([0.5, -0.1, 0]) }),
  },
  {
    name: 'teacher logits declared as probabilities',
    loss: 'binaryFromLogits',
    code: 'KD_PROBABILITY_RANGE',
    spoil: () => ({ teacherKind: 'probabilities' }),
  },
  {
    name: 'softmax probability row summing to 0.9',
    loss: 'softmax',
    code: 'KD_PROBABILITY_RANGE',
    spoil: () => ({
      teacher: tf.tensor2d([
        [0.2, 0.3, 0.5],
        [0.3, 0.3, 0.3],
        [1, 0, 0],
      ]),
      teacherKind: 'probabilities',
    }),
  },
  {
    name: 'student logit NaN',
    loss: 'binaryFromLogits',
    code: 'KD_NON_FINITE',
    spoil: () => ({ student: tf.tensor1d([0, NaN, 1]) }),
  },
  {
    name: 'teacher logit Infinity',
    loss: 'softmax',
    code: 'KD_NON_FINITE',
    spoil: () => ({
      teacher: tf.tensor2d([
        [0, 0, 0],
        [0, Infinity, 0],
        [0, 0, 0],
      ]),
    }),
  },
  {
    name: 'student probability NaN',
    loss: 'binary',
    code: 'KD_NON_FINITE',
    spoil: () => ({ student: tf.tensor1d([0.5, NaN, 0.5]) }),
  },
  {
    name: 'negative sample weight',
    loss: 'softmax',
    code: 'KD_DATA_INVALID',
    spoil: () => ({ sampleWeight: tf.tensor1d([1, -0.5, 1]) }),
  },
  {
    name: 'NaN sample weight',
    loss: 'binary',
    code: 'KD_NON_FINITE',
    spoil: () => ({ sampleWeight: tf.tensor2d([1, NaN, 1], [3, 1]) }),
  },
];

const lossFunctions = {
  binary: binaryDistillationLoss,
  binaryFromLogits: binaryDistillationLossFromLogits,
  softmax: softmaxDistillationLoss,
} as const;

function callLoss(loss: DistillationLossName, values: Values, checkValues?: boolean) {
  return lossFunctions[loss]({ ...values, alpha: 0.5, ...(checkValues === undefined ? {} : { checkValues }) });
}

async function rejection(promise: Promise<void>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (e: unknown) => e,
  );
}

describe('checkLossInputs (asynchronous)', () => {
  for (const loss of ['binary', 'binaryFromLogits', 'softmax'] as const) {
    it(`accepts valid ${loss} inputs, reading them with data() and never dataSync()`, async () => {
      const values = validInputs(loss);
      const data = vi.spyOn(tf.Tensor.prototype, 'data');
      const dataSync = vi.spyOn(tf.Tensor.prototype, 'dataSync');
      await expect(checkLossInputs({ loss, ...values })).resolves.toBeUndefined();
      expect(data).toHaveBeenCalledTimes(4);
      expect(dataSync).not.toHaveBeenCalled();
      tf.dispose(Object.values(values) as tf.Tensor[]);
    });
  }

  for (const c of cases) {
    it(`rejects ${c.name} with ${c.code}`, async () => {
      const values = { ...validInputs(c.loss), ...c.spoil() };
      const error = await rejection(checkLossInputs({ loss: c.loss, ...values }));
      expect(isKdError(error, c.code), `got ${String(error)}`).toBe(true);
      tf.dispose(Object.values(values).filter((v): v is tf.Tensor => v instanceof tf.Tensor));
    });
  }

  it('checks only the tensors given: labels and teacher before training, without a student', async () => {
    const labels = tf.tensor1d([0, 6, 2], 'int32');
    const teacher = tf.tensor2d([
      [0.2, 0.8],
      [0.5, 0.5],
      [1, 0],
    ]);
    await expect(checkLossInputs({ loss: 'softmax', yTrue: labels })).resolves.toBeUndefined();
    await expect(checkLossInputs({ loss: 'softmax', teacher, teacherKind: 'probabilities' })).resolves.toBeUndefined();
    // With the teacher given, K = 2 is known and the label 6 is out of range.
    const error = await rejection(
      checkLossInputs({ loss: 'softmax', yTrue: labels, teacher, teacherKind: 'probabilities' }),
    );
    expect(isKdError(error, 'KD_LABEL_RANGE')).toBe(true);
    expect((error as { details: Record<string, unknown> }).details).toMatchObject({
      argument: 'yTrue',
      index: 1,
      value: 6,
      numClasses: 2,
    });
    tf.dispose([labels, teacher]);
  });

  it('rejects bad shapes and unknown loss names as the losses would', async () => {
    const wide = tf.zeros([3, 2]);
    const column = tf.zeros([3, 1]);
    expect(isKdError(await rejection(checkLossInputs({ loss: 'binary', teacher: wide })), 'KD_SHAPE_MISMATCH')).toBe(
      true,
    );
    expect(
      isKdError(await rejection(checkLossInputs({ loss: 'softmax', student: column })), 'KD_SINGLE_UNIT_SOFTMAX'),
    ).toBe(true);
    const unknown = 'bce' as DistillationLossName;
    expect(isKdError(await rejection(checkLossInputs({ loss: unknown, teacher: wide })), 'KD_INVALID_ARGUMENT')).toBe(
      true,
    );
    tf.dispose([wide, column]);
  });
});

describe('checkValues: true (synchronous, inside the loss)', () => {
  for (const c of cases) {
    it(`throws ${c.code} for ${c.name} before computing`, () => {
      const values = { ...validInputs(c.loss), ...c.spoil() };
      const runKernel = vi.spyOn(tf.engine(), 'runKernel');
      const before = tf.memory().numTensors;
      let error: unknown;
      try {
        callLoss(c.loss, values, true);
      } catch (e) {
        error = e;
      }
      expect(isKdError(error, c.code), `got ${String(error)}`).toBe(true);
      expect(runKernel).not.toHaveBeenCalled();
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose(Object.values(values).filter((v): v is tf.Tensor => v instanceof tf.Tensor));
    });
  }

  it('reads with dataSync when asked, and reads nothing by default', () => {
    const values = validInputs('softmax');
    const data = vi.spyOn(tf.Tensor.prototype, 'data');
    const dataSync = vi.spyOn(tf.Tensor.prototype, 'dataSync');
    const unchecked = callLoss('softmax', values);
    expect(dataSync).not.toHaveBeenCalled();
    const checked = callLoss('softmax', values, true);
    expect(dataSync).toHaveBeenCalledTimes(4);
    expect(data).not.toHaveBeenCalled();
    tf.dispose([unchecked.total, unchecked.hard, unchecked.soft, checked.total, checked.hard, checked.soft]);
    tf.dispose(Object.values(values) as tf.Tensor[]);
  });

  it('computes the loss from bad values without complaint by default', () => {
    const values = { ...validInputs('binary'), yTrue: tf.tensor1d([1, 2, 0]) };
    const parts = callLoss('binary', values);
    expect(parts.total.shape).toEqual([]);
    tf.dispose([parts.total, parts.hard, parts.soft, ...(Object.values(values) as tf.Tensor[])]);
  });
});
