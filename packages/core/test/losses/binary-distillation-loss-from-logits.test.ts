import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-layers';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { binaryDistillationLoss, binaryDistillationLossFromLogits, type LossParts } from '../../src/losses/index.js';
import {
  bceLogits,
  bits,
  clampProbability,
  closeTo,
  logit,
  seededRandom,
  sigmoid,
  uniform,
  weightedMean,
} from './float64-reference.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const N = 48;

function randomCase(seed: number) {
  const rand = seededRandom(seed);
  return { y: bits(rand, N), t: uniform(rand, N, -6, 6), s: uniform(rand, N, -6, 6), w: uniform(rand, N, 0, 3) };
}

function read(parts: LossParts) {
  const out = [parts.total.dataSync()[0]!, parts.hard.dataSync()[0]!, parts.soft.dataSync()[0]!];
  tf.dispose([parts.total, parts.hard, parts.soft]);
  return out;
}

/** [total, hard, soft] in float64: hard = BCE(y, σ(s)), soft = T²·BCE(σ(t/T), σ(s/T)). */
function reference(y: number[], t: number[], s: number[], alpha: number, temperature: number, w?: number[]) {
  const hard = weightedMean(
    y.map((yi, i) => bceLogits(yi, s[i]!)),
    w,
  );
  const soft = weightedMean(
    t.map((ti, i) => temperature ** 2 * bceLogits(sigmoid(ti / temperature), s[i]! / temperature)),
    w,
  );
  return [alpha * hard + (1 - alpha) * soft, hard, soft];
}

/** d total / d s_i = [α·(σ(s) − y) + (1 − α)·T·(σ(s/T) − σ(t/T))]·w_i / Σw. */
function gradientReference(y: number[], t: number[], s: number[], alpha: number, temperature: number, w?: number[]) {
  const weights = w ?? s.map(() => 1);
  const wSum = weights.reduce((a, b) => a + b, 0);
  return s.map((si, i) => {
    const hard = sigmoid(si) - y[i]!;
    const soft = temperature * (sigmoid(si / temperature) - sigmoid(t[i]! / temperature));
    return ((alpha * hard + (1 - alpha) * soft) * weights[i]!) / wSum;
  });
}

describe('binaryDistillationLossFromLogits', () => {
  for (const [alpha, temperature] of [
    [0, 1],
    [0.3, 1],
    [1, 1],
    [0.3, 2],
    [0.6, 4],
    [0, 4],
  ] as const) {
    it(`matches the float64 closed form and gradient at α = ${alpha}, T = ${temperature}`, () => {
      const { y, t, s } = randomCase(100 + alpha * 10 + temperature);
      const [yT, tT, sT] = [tf.tensor1d(y), tf.tensor1d(t), tf.tensor1d(s)];
      const got = read(binaryDistillationLossFromLogits({ yTrue: yT, teacher: tT, student: sT, alpha, temperature }));
      expect(closeTo(got, reference(y, t, s, alpha, temperature))).toBeUndefined();
      const grad = tf.grad(
        (x: tf.Tensor) =>
          binaryDistillationLossFromLogits({ yTrue: yT, teacher: tT, student: x, alpha, temperature }).total,
      )(sT);
      expect(closeTo(grad.dataSync(), gradientReference(y, t, s, alpha, temperature))).toBeUndefined();
      tf.dispose([yT, tT, sT, grad]);
    });
  }

  it('at T = 1 is exactly the probability formula α·BCE(y, σ(s)) + (1 − α)·BCE(σ(t), σ(s))', () => {
    const { y, t, s } = randomCase(8);
    const [yT, tT, sT] = [tf.tensor1d(y), tf.tensor1d(t), tf.tensor1d(s)];
    const [tP, sP] = [tf.sigmoid(tT), tf.sigmoid(sT)];
    const fromLogits = read(binaryDistillationLossFromLogits({ yTrue: yT, teacher: tT, student: sT, alpha: 0.35 }));
    const defaultT = read(
      binaryDistillationLossFromLogits({ yTrue: yT, teacher: tT, student: sT, alpha: 0.35, temperature: 1 }),
    );
    const fromProbabilities = read(binaryDistillationLoss({ yTrue: yT, teacher: tP, student: sP, alpha: 0.35 }));
    expect(defaultT).toEqual(fromLogits);
    expect(closeTo(fromLogits, fromProbabilities)).toBeUndefined();
    tf.dispose([yT, tT, sT, tP, sP]);
  });

  it('equals BCE(α·y + (1 − α)·σ(t), σ(s)) at T = 1: the blended-label identity', () => {
    const { y, t, s } = randomCase(21);
    const alpha = 0.45;
    const identity = weightedMean(s.map((si, i) => bceLogits(alpha * y[i]! + (1 - alpha) * sigmoid(t[i]!), si)));
    const [yT, tT, sT] = [tf.tensor1d(y), tf.tensor1d(t), tf.tensor1d(s)];
    const [total] = read(binaryDistillationLossFromLogits({ yTrue: yT, teacher: tT, student: sT, alpha }));
    expect(closeTo([total!], [identity])).toBeUndefined();
    tf.dispose([yT, tT, sT]);
  });

  it('keeps the hard part at T = 1 whatever the temperature', () => {
    const { y, t, s } = randomCase(4);
    const [yT, tT, sT] = [tf.tensor1d(y), tf.tensor1d(t), tf.tensor1d(s)];
    const hards = [1, 2, 4, 10].map(
      (temperature) =>
        read(binaryDistillationLossFromLogits({ yTrue: yT, teacher: tT, student: sT, alpha: 0.5, temperature }))[1],
    );
    expect(new Set(hards).size).toBe(1);
    tf.dispose([yT, tT, sT]);
  });

  it('is finite, with finite gradients, for logits of ±1e4', () => {
    const y = [1, 0, 1, 0, 1, 0, 1, 0];
    const s = [-1e4, 1e4, 1e4, -1e4, -1e4, 1e4, 0, 0];
    const t = [1e4, -1e4, 1e4, -1e4, -1e4, 1e4, -1e4, 1e4];
    const [yT, tT, sT] = [tf.tensor1d(y), tf.tensor1d(t), tf.tensor1d(s)];
    for (const temperature of [1, 2]) {
      const got = read(
        binaryDistillationLossFromLogits({ yTrue: yT, teacher: tT, student: sT, alpha: 0.5, temperature }),
      );
      expect(got.every(Number.isFinite)).toBe(true);
      expect(closeTo(got, reference(y, t, s, 0.5, temperature))).toBeUndefined();
      const grad = tf.grad(
        (x: tf.Tensor) =>
          binaryDistillationLossFromLogits({ yTrue: yT, teacher: tT, student: x, alpha: 0.5, temperature }).total,
      )(sT);
      expect(Array.from(grad.dataSync()).every(Number.isFinite)).toBe(true);
      expect(closeTo(grad.dataSync(), gradientReference(y, t, s, 0.5, temperature))).toBeUndefined();
      grad.dispose();
    }
    tf.dispose([yT, tT, sT]);
  });

  it('takes teacher probabilities: as given at T = 1, via clamped logits at T = 2', () => {
    const rand = seededRandom(77);
    const y = bits(rand, N);
    const s = uniform(rand, N, -5, 5);
    const p = uniform(rand, N, 0, 1);
    p[0] = 0;
    p[1] = 1;
    const [yT, pT, sT] = [tf.tensor1d(y), tf.tensor1d(p), tf.tensor1d(s)];
    const atOne = read(
      binaryDistillationLossFromLogits({
        yTrue: yT,
        teacher: pT,
        teacherKind: 'probabilities',
        student: sT,
        alpha: 0.2,
      }),
    );
    const softAtOne = weightedMean(p.map((pi, i) => bceLogits(pi, s[i]!)));
    expect(closeTo([atOne[2]!], [softAtOne])).toBeUndefined();

    const atTwo = read(
      binaryDistillationLossFromLogits({
        yTrue: yT,
        teacher: pT,
        teacherKind: 'probabilities',
        student: sT,
        alpha: 0.2,
        temperature: 2,
      }),
    );
    const teacherLogits = p.map((pi) => logit(clampProbability(pi)));
    expect(closeTo(atTwo, reference(y, teacherLogits, s, 0.2, 2))).toBeUndefined();
    tf.dispose([yT, pT, sT]);
  });

  it('weighs samples and reduces with mean, sum and none', () => {
    const { y, t, s, w } = randomCase(12);
    const [alpha, temperature] = [0.25, 3];
    const [yT, tT, sT, wT] = [tf.tensor1d(y), tf.tensor1d(t), tf.tensor1d(s), tf.tensor1d(w)];
    const args = { yTrue: yT, teacher: tT, student: sT, alpha, temperature, sampleWeight: wT };
    expect(
      closeTo(read(binaryDistillationLossFromLogits(args)), reference(y, t, s, alpha, temperature, w)),
    ).toBeUndefined();

    const perSample = y.map((_, i) => reference([y[i]!], [t[i]!], [s[i]!], alpha, temperature)[0]! * w[i]!);
    const sum = read(binaryDistillationLossFromLogits({ ...args, reduction: 'sum' }));
    expect(closeTo([sum[0]!], [perSample.reduce((a, b) => a + b, 0)])).toBeUndefined();
    const none = binaryDistillationLossFromLogits({ ...args, reduction: 'none' });
    expect(none.total.shape).toEqual([N]);
    expect(closeTo(none.total.dataSync(), perSample)).toBeUndefined();

    const grad = tf.grad((x: tf.Tensor) => binaryDistillationLossFromLogits({ ...args, student: x }).total)(sT);
    expect(closeTo(grad.dataSync(), gradientReference(y, t, s, alpha, temperature, w))).toBeUndefined();
    tf.dispose([yT, tT, sT, wT, none.total, none.hard, none.soft, grad]);
  });
});
