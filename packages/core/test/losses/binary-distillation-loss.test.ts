import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-layers';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { binaryDistillationLoss } from '../../src/losses/index.js';
import {
  bce,
  bits,
  clampProbability,
  closeTo,
  EPS_HI,
  EPS_LO,
  seededRandom,
  sigmoid,
  uniform,
  weightedMean,
} from './float64-reference.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const N = 64;

function randomCase(seed: number) {
  const rand = seededRandom(seed);
  return {
    y: bits(rand, N),
    t: uniform(rand, N, 0.02, 0.98),
    s: uniform(rand, N, 0.03, 0.97),
    w: uniform(rand, N, 0.1, 2),
  };
}

/** Reads a scalar loss part and disposes the parts. */
function values(parts: { total: tf.Tensor; hard: tf.Tensor; soft: tf.Tensor }) {
  const out = { total: parts.total.dataSync()[0]!, hard: parts.hard.dataSync()[0]!, soft: parts.soft.dataSync()[0]! };
  tf.dispose([parts.total, parts.hard, parts.soft]);
  return out;
}

/** d total / d s_i on the unclamped range: α·(s − y)/(s(1 − s)) + (1 − α)·(s − t)/(s(1 − s)), weighted. */
function gradientReference(y: number[], t: number[], s: number[], alpha: number, w?: number[]) {
  const weights = w ?? s.map(() => 1);
  const wSum = weights.reduce((a, b) => a + b, 0);
  return s.map(
    (si, i) => ((alpha * (si - y[i]!) + (1 - alpha) * (si - t[i]!)) / (si * (1 - si))) * (weights[i]! / wSum),
  );
}

describe('binaryDistillationLoss (probabilities)', () => {
  for (const alpha of [0, 0.3, 1]) {
    it(`matches α·BCE(y, s) + (1 − α)·BCE(t, s) in float64 at α = ${alpha}, and its gradient`, () => {
      const { y, t, s } = randomCase(11 + alpha * 10);
      const hardRef = weightedMean(y.map((yi, i) => bce(yi, s[i]!)));
      const softRef = weightedMean(t.map((ti, i) => bce(ti, s[i]!)));
      const [yT, tT, sT] = [tf.tensor1d(y), tf.tensor1d(t), tf.tensor1d(s)];
      const got = values(binaryDistillationLoss({ yTrue: yT, teacher: tT, student: sT, alpha }));
      expect(
        closeTo([got.hard, got.soft, got.total], [hardRef, softRef, alpha * hardRef + (1 - alpha) * softRef]),
      ).toBeUndefined();

      const grad = tf.grad(
        (x: tf.Tensor) => binaryDistillationLoss({ yTrue: yT, teacher: tT, student: x, alpha }).total,
      )(sT);
      expect(closeTo(grad.dataSync(), gradientReference(y, t, s, alpha))).toBeUndefined();
      tf.dispose([yT, tT, sT, grad]);
    });
  }

  it('equals BCE(α·y + (1 − α)·t, s): the blended-label identity', () => {
    const { y, t, s } = randomCase(5);
    const alpha = 0.4;
    const blended = y.map((yi, i) => alpha * yi + (1 - alpha) * t[i]!);
    const identityRef = weightedMean(blended.map((p, i) => bce(p, s[i]!)));
    const [yT, tT, sT, bT] = [tf.tensor1d(y), tf.tensor1d(t), tf.tensor1d(s), tf.tensor1d(blended)];
    const mixed = values(binaryDistillationLoss({ yTrue: yT, teacher: tT, student: sT, alpha }));
    // With α = 1 the hard part is BCE(target, s) for whatever target is passed as yTrue.
    const onBlended = values(binaryDistillationLoss({ yTrue: bT, teacher: tT, student: sT, alpha: 1 }));
    expect(closeTo([mixed.total], [identityRef])).toBeUndefined();
    expect(closeTo([onBlended.hard], [mixed.total])).toBeUndefined();
    tf.dispose([yT, tT, sT, bT]);
  });

  it('accepts a teacher given as logits (teacherKind: "logits")', () => {
    const { y, t, s } = randomCase(7);
    const teacherLogits = t.map((p) => Math.log(p / (1 - p)));
    const softRef = weightedMean(teacherLogits.map((z, i) => bce(sigmoid(z), s[i]!)));
    const [yT, tT, sT] = [tf.tensor1d(y), tf.tensor1d(teacherLogits), tf.tensor1d(s)];
    const got = values(
      binaryDistillationLoss({ yTrue: yT, teacher: tT, student: sT, alpha: 0.5, teacherKind: 'logits' }),
    );
    expect(closeTo([got.soft], [softRef])).toBeUndefined();
    tf.dispose([yT, tT, sT]);
  });

  it('clamps the student to [1e-7, 1 − 1e-7]: saturated outputs give finite loss and gradient', () => {
    const y = [1, 0, 1, 0, 1, 0];
    const t = [0, 1, 1, 0, 0.5, 0.5];
    const s = [0, 1, 1, 0, 0, 1];
    const alpha = 0.5;
    const hardRef = weightedMean(y.map((yi, i) => bce(yi, s[i]!)));
    const softRef = weightedMean(t.map((ti, i) => bce(ti, s[i]!)));
    const [yT, tT, sT] = [tf.tensor1d(y), tf.tensor1d(t), tf.tensor1d(s)];
    const got = values(binaryDistillationLoss({ yTrue: yT, teacher: tT, student: sT, alpha }));
    // Two samples at each saturated end, two (nearly free) correct ones: (−ln ε_lo − ln(1 − ε_hi)) / 3.
    expect(hardRef).toBeCloseTo((-Math.log(EPS_LO) - Math.log(1 - EPS_HI)) / 3, 6);
    expect(
      closeTo([got.hard, got.soft, got.total], [hardRef, softRef, alpha * hardRef + (1 - alpha) * softRef]),
    ).toBeUndefined();
    const grad = tf.grad((x: tf.Tensor) => binaryDistillationLoss({ yTrue: yT, teacher: tT, student: x, alpha }).total)(
      sT,
    );
    expect(Array.from(grad.dataSync()).every(Number.isFinite)).toBe(true);
    tf.dispose([yT, tT, sT, grad]);
  });

  it('takes [N] and [N, 1] interchangeably', () => {
    const { y, t, s } = randomCase(3);
    const inputs = [
      tf.tensor1d(y),
      tf.tensor1d(t),
      tf.tensor1d(s),
      tf.tensor2d(y, [N, 1]),
      tf.tensor2d(s, [N, 1]),
    ] as const;
    const [yV, tV, sV, yC, sC] = inputs;
    const ref = values(binaryDistillationLoss({ yTrue: yV, teacher: tV, student: sV, alpha: 0.2 }));
    const asColumns = values(binaryDistillationLoss({ yTrue: yC, teacher: tV, student: sC, alpha: 0.2 }));
    expect(
      closeTo([asColumns.total, asColumns.hard, asColumns.soft], [ref.total, ref.hard, ref.soft], 1e-7),
    ).toBeUndefined();
    tf.dispose([...inputs]);
  });

  it('weighs samples: mean = Σ w·l / Σ w, sum = Σ w·l, none = w·l per sample', () => {
    const { y, t, s, w } = randomCase(9);
    const alpha = 0.7;
    const perSample = y.map((yi, i) => alpha * bce(yi, s[i]!) + (1 - alpha) * bce(t[i]!, s[i]!));
    const [yT, tT, sT, wT] = [tf.tensor1d(y), tf.tensor1d(t), tf.tensor1d(s), tf.tensor2d(w, [N, 1])];
    const mean = values(binaryDistillationLoss({ yTrue: yT, teacher: tT, student: sT, alpha, sampleWeight: wT }));
    const sum = values(
      binaryDistillationLoss({ yTrue: yT, teacher: tT, student: sT, alpha, sampleWeight: wT, reduction: 'sum' }),
    );
    const none = binaryDistillationLoss({
      yTrue: yT,
      teacher: tT,
      student: sT,
      alpha,
      sampleWeight: wT,
      reduction: 'none',
    });
    expect(closeTo([mean.total], [weightedMean(perSample, w)])).toBeUndefined();
    expect(closeTo([sum.total], [perSample.reduce((acc, l, i) => acc + l * w[i]!, 0)])).toBeUndefined();
    expect(none.total.shape).toEqual([N]);
    expect(
      closeTo(
        none.total.dataSync(),
        perSample.map((l, i) => l * w[i]!),
      ),
    ).toBeUndefined();
    expect(
      closeTo(
        none.hard.dataSync(),
        y.map((yi, i) => bce(yi, s[i]!) * w[i]!),
      ),
    ).toBeUndefined();

    const grad = tf.grad(
      (x: tf.Tensor) => binaryDistillationLoss({ yTrue: yT, teacher: tT, student: x, alpha, sampleWeight: wT }).total,
    )(sT);
    expect(closeTo(grad.dataSync(), gradientReference(y, t, s, alpha, w))).toBeUndefined();
    tf.dispose([yT, tT, sT, wT, none.total, none.hard, none.soft, grad]);
  });

  it('reduces to 0 rather than NaN when every weight of a batch is 0', () => {
    const inputs = [tf.tensor1d([1, 0]), tf.tensor1d([0.5, 0.5]), tf.tensor1d([0.2, 0.3]), tf.zeros([2])] as const;
    const [yTrue, teacher, student, sampleWeight] = inputs;
    const got = values(binaryDistillationLoss({ yTrue, teacher, student, alpha: 0.5, sampleWeight }));
    expect(got).toEqual({ total: 0, hard: 0, soft: 0 });
    tf.dispose([...inputs]);
  });

  it('keeps the clamp reference honest: BCE at the clamp bounds is about 16', () => {
    expect(bce(1, 0)).toBeCloseTo(-Math.log(EPS_LO), 12);
    expect(clampProbability(2)).toBe(EPS_HI);
    expect(-Math.log(EPS_LO)).toBeGreaterThan(16);
  });
});
