import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-layers';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { fusedBinaryLoss } from '../../src/trainer/fused-binary-loss.js';
import {
  bce,
  bceLogits,
  bits,
  clampProbability,
  closeTo,
  EPS_HI,
  EPS_LO,
  seededRandom,
  sigmoid,
  uniform,
  weightedMean,
} from '../losses/float64-reference.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const N = 40;

function randomCase(seed: number) {
  const rand = seededRandom(seed);
  return { y: bits(rand, N), t: uniform(rand, N, 0, 1), s: uniform(rand, N, -7, 7), w: uniform(rand, N, 0, 3) };
}

/** Loss parts and d total / d student, computed with the fused loss on float32 tensors. */
function fused(
  kind: 'logits' | 'probabilities',
  student: number[],
  y: number[],
  t: number[] | undefined,
  alpha: number,
  w?: number[],
) {
  const targets = t
    ? tf.tensor2d(
        y.flatMap((yi, i) => [yi, t[i]!]),
        [N, 2],
      )
    : tf.tensor2d(y, [N, 1]);
  const s = tf.tensor2d(student, [N, 1]);
  const weights = w ? tf.tensor1d(w) : undefined;
  let parts: number[] = [];
  const grad = tf.grad((z: tf.Tensor) => {
    const p = fusedBinaryLoss({
      student: z as tf.Tensor2D,
      studentKind: kind,
      targets,
      alpha,
      ...(weights ? { sampleWeight: weights } : {}),
    });
    parts = [p.total.dataSync()[0]!, ...p.parts.dataSync()];
    return p.total;
  })(s);
  const g = Array.from(grad.dataSync());
  tf.dispose([targets, s, grad, ...(weights ? [weights] : [])]);
  return { parts, grad: g };
}

describe('fusedBinaryLoss: one cross-entropy on the blended target, against float64', () => {
  it.each([0, 0.3, 0.5, 1])('logits student, α = %s, with sample weights', (alpha) => {
    const { y, t, s, w } = randomCase(11);
    const hard = weightedMean(
      s.map((z, i) => bceLogits(y[i]!, z)),
      w,
    );
    const soft = weightedMean(
      s.map((z, i) => bceLogits(t[i]!, z)),
      w,
    );
    const W = w.reduce((a, b) => a + b, 0);
    // d/dz of w·[α·BCE(y, σ(z)) + (1 − α)·BCE(t, σ(z))] / Σw = w·(σ(z) − (α·y + (1 − α)·t)) / Σw.
    const grad = s.map((z, i) => (w[i]! * (sigmoid(z) - (alpha * y[i]! + (1 - alpha) * t[i]!))) / W);
    const got = fused('logits', s, y, t, alpha, w);
    expect(closeTo(got.parts, [alpha * hard + (1 - alpha) * soft, hard, soft], 1e-5)).toBeUndefined();
    expect(closeTo(got.grad, grad, 1e-5)).toBeUndefined();
  });

  it('probabilities student, clamp included: the gradient is 0 outside [1e-7, 1 − 1e-7]', () => {
    const { y, t } = randomCase(12);
    const q = uniform(seededRandom(5), N, 0, 1).map((v, i) => (i < 3 ? 0 : i < 6 ? 1 : v));
    const alpha = 0.4;
    const hard = weightedMean(q.map((qi, i) => bce(y[i]!, qi)));
    const soft = weightedMean(q.map((qi, i) => bce(t[i]!, qi)));
    // d/dq BCE(p, q) = (q − p) / (q(1 − q)) inside the clamp, 0 outside.
    const grad = q.map((qi, i) => {
      if (qi <= EPS_LO || qi >= EPS_HI) return 0;
      const c = clampProbability(qi);
      const p = alpha * y[i]! + (1 - alpha) * t[i]!;
      return (c - p) / (c * (1 - c)) / N;
    });
    const got = fused('probabilities', q, y, t, alpha);
    expect(closeTo(got.parts, [alpha * hard + (1 - alpha) * soft, hard, soft], 1e-5)).toBeUndefined();
    expect(closeTo(got.grad, grad, 1e-4)).toBeUndefined();
  });

  it('without a teacher the loss is BCE(y, ·) and soft repeats hard', () => {
    const { y, s } = randomCase(13);
    const hard = weightedMean(s.map((z, i) => bceLogits(y[i]!, z)));
    const got = fused('logits', s, y, undefined, 1);
    expect(closeTo(got.parts, [hard, hard, hard], 1e-5)).toBeUndefined();
  });

  it('all-zero sample weights give 0, not NaN', () => {
    const { y, t, s } = randomCase(14);
    const got = fused(
      'logits',
      s,
      y,
      t,
      0.5,
      s.map(() => 0),
    );
    expect(got.parts).toEqual([0, 0, 0]);
    expect(got.grad.every((g) => g === 0)).toBe(true);
  });
});
