import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { isKdError, type KdErrorCode } from '../../src/errors/kd-error.js';
import { checkLossInputs, softmaxDistillationLoss } from '../../src/losses/index.js';
import { brierScore, multiclassBrierScore } from '../../src/metrics/index.js';
import { prepareLabeled } from '../../src/trainer/prepare-data.js';
import { PROBABILITY_ROW_SUM_TOLERANCE } from '../../src/values/index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

async function codeOf(fn: () => unknown): Promise<KdErrorCode | 'accepted'> {
  try {
    const out = await fn();
    tf.dispose(out as tf.TensorContainer);
    return 'accepted';
  } catch (e) {
    if (isKdError(e)) return e.code;
    throw e;
  }
}

/** The same labels and weights given to the three entry points that read them. */
async function binaryCodes(labels: number[], weights?: number[]): Promise<Array<KdErrorCode | 'accepted'>> {
  const n = labels.length;
  const x = tf.zeros([n, 2]);
  const y = tf.tensor1d(labels);
  const w = weights && tf.tensor1d(weights);
  const codes = [
    codeOf(() => checkLossInputs({ loss: 'binary', yTrue: y, ...(w ? { sampleWeight: w } : {}) })),
    codeOf(() => brierScore(labels, new Array(n).fill(0.5), weights)),
    codeOf(async () => {
      const p = await prepareLabeled({ x, y, ...(w ? { sampleWeight: w } : {}) }, 1, 'data');
      tf.dispose(p.owned);
    }),
  ];
  const out = await Promise.all(codes);
  tf.dispose([x, y, ...(w ? [w] : [])]);
  return out;
}

describe('one rule and one code per condition, in the losses, the metrics and the trainer', () => {
  it('binary label outside {0, 1}: KD_LABEL_RANGE', async () => {
    expect(await binaryCodes([0, 1, 2])).toEqual(['KD_LABEL_RANGE', 'KD_LABEL_RANGE', 'KD_LABEL_RANGE']);
  });

  it('NaN label: KD_NON_FINITE everywhere (the metrics and the trainer called it a label range error)', async () => {
    expect(await binaryCodes([0, Number.NaN, 1])).toEqual(['KD_NON_FINITE', 'KD_NON_FINITE', 'KD_NON_FINITE']);
  });

  it('negative sample weight: KD_DATA_INVALID everywhere (the losses said KD_INVALID_ARGUMENT)', async () => {
    expect(await binaryCodes([0, 1, 1], [1, -0.5, 1])).toEqual([
      'KD_DATA_INVALID',
      'KD_DATA_INVALID',
      'KD_DATA_INVALID',
    ]);
  });

  it('non-finite sample weight: KD_NON_FINITE everywhere (the metrics and the trainer said KD_DATA_INVALID)', async () => {
    expect(await binaryCodes([0, 1, 1], [1, Number.POSITIVE_INFINITY, 1])).toEqual([
      'KD_NON_FINITE',
      'KD_NON_FINITE',
      'KD_NON_FINITE',
    ]);
  });

  it('class index out of range: KD_LABEL_RANGE in the loss, the metrics and the trainer', async () => {
    const y = tf.tensor1d([0, 3], 'int32');
    const teacher = tf.zeros([2, 3]);
    const x = tf.zeros([2, 2]);
    expect(await codeOf(() => checkLossInputs({ loss: 'softmax', yTrue: y, teacher }))).toBe('KD_LABEL_RANGE');
    expect(await codeOf(() => multiclassBrierScore([0, 3], [0.2, 0.3, 0.5, 0.2, 0.3, 0.5], 3))).toBe('KD_LABEL_RANGE');
    expect(await codeOf(() => prepareLabeled({ x, y }, 3, 'data'))).toBe('KD_LABEL_RANGE');
    tf.dispose([y, teacher, x]);
  });

  it('soft label rows: refused by the loss and by the trainer alike (the trainer trained on them)', async () => {
    const soft = tf.tensor2d([
      [1, 0, 0],
      [0.5, 0.5, 0],
    ]);
    const logits = tf.zeros([2, 3]);
    const x = tf.zeros([2, 2]);
    expect(await codeOf(() => checkLossInputs({ loss: 'softmax', yTrue: soft, teacher: logits }))).toBe(
      'KD_LABEL_RANGE',
    );
    expect(
      await codeOf(() =>
        softmaxDistillationLoss({ yTrue: soft, teacher: logits, student: logits, alpha: 0.5, checkValues: true }),
      ),
    ).toBe('KD_LABEL_RANGE');
    expect(await codeOf(() => prepareLabeled({ x, y: soft }, 3, 'data'))).toBe('KD_LABEL_RANGE');
    tf.dispose([soft, logits, x]);
  });

  it('one row-sum tolerance for probabilities, in the loss and in the metrics', async () => {
    const inside = 1 + PROBABILITY_ROW_SUM_TOLERANCE / 2;
    const outside = 1 + PROBABILITY_ROW_SUM_TOLERANCE * 2;
    for (const [sum, expected] of [
      [inside, 'accepted'],
      [outside, 'KD_PROBABILITY_RANGE'],
    ] as const) {
      const row = [0.2, 0.3, sum - 0.5];
      const teacher = tf.tensor2d([row, [1, 0, 0]]);
      const y = tf.tensor1d([0, 1], 'int32');
      expect(
        await codeOf(() => checkLossInputs({ loss: 'softmax', yTrue: y, teacher, teacherKind: 'probabilities' })),
      ).toBe(expected);
      expect(await codeOf(() => multiclassBrierScore([0, 1], [...row, 1, 0, 0], 3))).toBe(expected);
      tf.dispose([teacher, y]);
    }
  });
});
