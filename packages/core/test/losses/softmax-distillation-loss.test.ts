import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-layers';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { softmaxDistillationLoss, type LossParts } from '../../src/losses/index.js';
import {
  closeTo,
  crossEntropyLogits,
  kl,
  oneHot,
  seededRandom,
  softmax,
  uniform,
  weightedMean,
} from './float64-reference.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const N = 24;
const K = 5;

function randomCase(seed: number) {
  const rand = seededRandom(seed);
  const rows = () => Array.from({ length: N }, () => uniform(rand, K, -4, 4));
  return {
    labels: Array.from({ length: N }, () => Math.floor(rand() * K)),
    t: rows(),
    s: rows(),
    w: uniform(rand, N, 0.2, 1.5),
  };
}

function read(parts: LossParts) {
  const out = [parts.total.dataSync()[0]!, parts.hard.dataSync()[0]!, parts.soft.dataSync()[0]!];
  tf.dispose([parts.total, parts.hard, parts.soft]);
  return out;
}

const scaled = (row: number[], temperature: number) => row.map((v) => v / temperature);

/** [total, hard, soft]: hard = CE(y, softmax(s)), soft = T²·KL(softmax(t/T) ‖ softmax(s/T)). */
function reference(labels: number[], t: number[][], s: number[][], alpha: number, temperature: number, w?: number[]) {
  const hard = weightedMean(
    s.map((row, i) => crossEntropyLogits(oneHot(labels[i]!, K), row)),
    w,
  );
  const soft = weightedMean(
    s.map((row, i) => temperature ** 2 * kl(softmax(scaled(t[i]!, temperature)), softmax(scaled(row, temperature)))),
    w,
  );
  return [alpha * hard + (1 - alpha) * soft, hard, soft];
}

/** Row i of d total / d s: [α·(softmax(s) − y) + (1 − α)·T·(softmax(s/T) − softmax(t/T))]·w_i / Σw. */
function gradientReference(
  labels: number[],
  t: number[][],
  s: number[][],
  alpha: number,
  temperature: number,
  w?: number[],
) {
  const weights = w ?? s.map(() => 1);
  const wSum = weights.reduce((a, b) => a + b, 0);
  return s.flatMap((row, i) => {
    const q = softmax(row);
    const qT = softmax(scaled(row, temperature));
    const pT = softmax(scaled(t[i]!, temperature));
    const y = oneHot(labels[i]!, K);
    return row.map(
      (_, k) => ((alpha * (q[k]! - y[k]!) + (1 - alpha) * temperature * (qT[k]! - pT[k]!)) * weights[i]!) / wSum,
    );
  });
}

describe('softmaxDistillationLoss', () => {
  for (const [alpha, temperature] of [
    [0, 1],
    [0.5, 1],
    [1, 1],
    [0.1, 2],
    [0.3, 4],
  ] as const) {
    it(`matches the float64 closed form and gradient at α = ${alpha}, T = ${temperature}`, () => {
      const { labels, t, s } = randomCase(300 + alpha * 10 + temperature);
      const [yT, tT, sT] = [tf.tensor1d(labels, 'int32'), tf.tensor2d(t), tf.tensor2d(s)];
      const got = read(softmaxDistillationLoss({ yTrue: yT, teacher: tT, student: sT, alpha, temperature }));
      expect(closeTo(got, reference(labels, t, s, alpha, temperature))).toBeUndefined();
      const grad = tf.grad(
        (x: tf.Tensor) => softmaxDistillationLoss({ yTrue: yT, teacher: tT, student: x, alpha, temperature }).total,
      )(sT);
      expect(closeTo(grad.dataSync(), gradientReference(labels, t, s, alpha, temperature))).toBeUndefined();
      tf.dispose([yT, tT, sT, grad]);
    });
  }

  it('reads labels as int32 [N], float [N], [N, 1] or one-hot [N, K] alike', () => {
    const { labels, t, s } = randomCase(5);
    const [tT, sT] = [tf.tensor2d(t), tf.tensor2d(s)];
    const layouts = [
      tf.tensor1d(labels, 'int32'),
      tf.tensor1d(labels, 'float32'),
      tf.tensor2d(labels, [N, 1], 'int32'),
      tf.tensor2d(labels.map((c) => oneHot(c, K))),
    ];
    const expected = reference(labels, t, s, 0.4, 2);
    for (const yTrue of layouts) {
      expect(
        closeTo(
          read(softmaxDistillationLoss({ yTrue, teacher: tT, student: sT, alpha: 0.4, temperature: 2 })),
          expected,
        ),
      ).toBeUndefined();
    }
    tf.dispose([tT, sT, ...layouts]);
  });

  it('takes teacher probabilities: as given at T = 1 (exact zeros allowed), as softmax(log p / T) otherwise', () => {
    const { labels, t, s } = randomCase(6);
    const probabilities = t.map((row) => softmax(row));
    probabilities[0] = [0, 0, 1, 0, 0];
    probabilities[1] = [0.5, 0, 0.5, 0, 0];
    const [yT, pT, sT] = [tf.tensor1d(labels, 'int32'), tf.tensor2d(probabilities), tf.tensor2d(s)];

    const atOne = read(
      softmaxDistillationLoss({ yTrue: yT, teacher: pT, teacherKind: 'probabilities', student: sT, alpha: 0.3 }),
    );
    const softAtOne = weightedMean(s.map((row, i) => kl(probabilities[i]!, softmax(row))));
    expect(closeTo([atOne[2]!], [softAtOne])).toBeUndefined();

    // At T ≠ 1 zeros are clamped to 1e-7 before the log; rows without zeros equal the logits form.
    const rows = [2, 3, 4];
    const pRows = tf.tensor2d(rows.map((i) => probabilities[i]!));
    const tRows = tf.tensor2d(rows.map((i) => t[i]!));
    const sRows = tf.tensor2d(rows.map((i) => s[i]!));
    const yRows = tf.tensor1d(
      rows.map((i) => labels[i]!),
      'int32',
    );
    const viaProbabilities = read(
      softmaxDistillationLoss({
        yTrue: yRows,
        teacher: pRows,
        teacherKind: 'probabilities',
        student: sRows,
        alpha: 0.3,
        temperature: 3,
      }),
    );
    const viaLogits = read(
      softmaxDistillationLoss({ yTrue: yRows, teacher: tRows, student: sRows, alpha: 0.3, temperature: 3 }),
    );
    expect(closeTo(viaProbabilities, viaLogits)).toBeUndefined();

    const withZeros = read(
      softmaxDistillationLoss({
        yTrue: yT,
        teacher: pT,
        teacherKind: 'probabilities',
        student: sT,
        alpha: 0.3,
        temperature: 3,
      }),
    );
    expect(withZeros.every(Number.isFinite)).toBe(true);
    tf.dispose([yT, pT, sT, pRows, tRows, sRows, yRows]);
  });

  it('is finite, with finite gradients, for logits of ±1e4', () => {
    const labels = [0, 1, 2];
    const s = [
      [-1e4, 1e4, 0],
      [1e4, -1e4, 1e4],
      [0, 0, -1e4],
    ];
    const t = [
      [1e4, -1e4, 0],
      [-1e4, 1e4, -1e4],
      [1e4, 0, 0],
    ];
    const [yT, tT, sT] = [tf.tensor1d(labels, 'int32'), tf.tensor2d(t), tf.tensor2d(s)];
    for (const temperature of [1, 4]) {
      const got = read(softmaxDistillationLoss({ yTrue: yT, teacher: tT, student: sT, alpha: 0.5, temperature }));
      expect(got.every(Number.isFinite)).toBe(true);
      const grad = tf.grad(
        (x: tf.Tensor) =>
          softmaxDistillationLoss({ yTrue: yT, teacher: tT, student: x, alpha: 0.5, temperature }).total,
      )(sT);
      expect(Array.from(grad.dataSync()).every(Number.isFinite)).toBe(true);
      grad.dispose();
    }
    // The closed form at T = 1, on a 3-class scale (K differs from the random cases).
    const hard = weightedMean(s.map((row, i) => crossEntropyLogits(oneHot(labels[i]!, 3), row)));
    const soft = weightedMean(s.map((row, i) => kl(softmax(t[i]!), softmax(row))));
    const got = read(softmaxDistillationLoss({ yTrue: yT, teacher: tT, student: sT, alpha: 0.5 }));
    expect(closeTo(got, [0.5 * hard + 0.5 * soft, hard, soft])).toBeUndefined();
    tf.dispose([yT, tT, sT]);
  });

  it('weighs samples and reduces with mean, sum and none', () => {
    const { labels, t, s, w } = randomCase(13);
    const [alpha, temperature] = [0.2, 2];
    const [yT, tT, sT, wT] = [tf.tensor1d(labels, 'int32'), tf.tensor2d(t), tf.tensor2d(s), tf.tensor2d(w, [N, 1])];
    const args = { yTrue: yT, teacher: tT, student: sT, alpha, temperature, sampleWeight: wT };
    expect(
      closeTo(read(softmaxDistillationLoss(args)), reference(labels, t, s, alpha, temperature, w)),
    ).toBeUndefined();

    const perSample = labels.map((c, i) => reference([c], [t[i]!], [s[i]!], alpha, temperature)[0]! * w[i]!);
    const sum = read(softmaxDistillationLoss({ ...args, reduction: 'sum' }));
    expect(closeTo([sum[0]!], [perSample.reduce((a, b) => a + b, 0)])).toBeUndefined();
    const none = softmaxDistillationLoss({ ...args, reduction: 'none' });
    expect(none.total.shape).toEqual([N]);
    expect(closeTo(none.total.dataSync(), perSample)).toBeUndefined();

    const grad = tf.grad((x: tf.Tensor) => softmaxDistillationLoss({ ...args, student: x }).total)(sT);
    expect(closeTo(grad.dataSync(), gradientReference(labels, t, s, alpha, temperature, w))).toBeUndefined();
    tf.dispose([yT, tT, sT, wT, none.total, none.hard, none.soft, grad]);
  });
});
