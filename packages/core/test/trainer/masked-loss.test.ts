import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-layers';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { batchLoss } from '../../src/trainer/batch-loss.js';
import { fusedBinaryLoss } from '../../src/trainer/fused-binary-loss.js';
import {
  bce,
  bceLogits,
  bits,
  closeTo,
  crossEntropyLogits,
  kl,
  oneHot,
  seededRandom,
  sigmoid,
  softmax,
  uniform,
} from '../losses/float64-reference.js';

// total = α · (mean of BCE(y, s) over the batch's labelled rows) + (1 − α) · (mean of the soft loss
// over all its rows), with sample weights w: hard = Σ m·w·h / Σ m·w, soft = Σ w·s / Σ w.

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const N = 24;

function binaryCase(seed: number, labelled: (i: number) => boolean = (i) => i % 3 !== 1) {
  const rand = seededRandom(seed);
  const y = bits(rand, N);
  const m = y.map((_, i) => (labelled(i) ? 1 : 0));
  return {
    // Unlabelled rows carry placeholder label 0, as the trainer gives them.
    y: y.map((v, i) => v * m[i]!),
    m,
    tLogit: uniform(rand, N, -4, 4),
    s: uniform(rand, N, -5, 5),
    w: uniform(rand, N, 0.2, 3),
  };
}

const sum = (v: number[]) => v.reduce((a, b) => a + b, 0);
/** Σ wᵢ·vᵢ / Σ wᵢ, 0 when Σ w = 0 (the no-labelled-row batch). */
const mean = (v: number[], w: number[]) => {
  const W = sum(w);
  return W === 0 ? 0 : sum(v.map((x, i) => x * w[i]!)) / W;
};

/** Parts [total, hard, soft] and d total / d student of `loss`, on float32 tensors. */
function evaluate(student: number[], shape: [number, number], loss: (z: tf.Tensor2D) => object) {
  const s = tf.tensor2d(student, shape);
  let parts: number[] = [];
  const grad = tf.grad((z: tf.Tensor) => {
    const p = loss(z as tf.Tensor2D) as { total: tf.Scalar; parts?: tf.Tensor; hard?: tf.Scalar; soft?: tf.Scalar };
    parts = p.parts
      ? [p.total.dataSync()[0]!, ...p.parts.dataSync()]
      : [p.total.dataSync()[0]!, p.hard!.dataSync()[0]!, p.soft!.dataSync()[0]!];
    return p.total;
  })(s);
  const g = Array.from(grad.dataSync());
  tf.dispose([s, grad]);
  return { parts, grad: g };
}

/** The fused loss on targets [m∘y | σ(t) | m]. */
function fusedMasked(
  kind: 'logits' | 'probabilities',
  c: ReturnType<typeof binaryCase>,
  student: number[],
  alpha: number,
  weighted: boolean,
) {
  const targets = tf.tensor2d(
    c.y.flatMap((y, i) => [y * c.m[i]!, sigmoid(c.tLogit[i]!), c.m[i]!]),
    [N, 3],
  );
  const w = weighted ? tf.tensor1d(c.w) : undefined;
  try {
    return evaluate(student, [N, 1], (z) =>
      fusedBinaryLoss({ student: z, studentKind: kind, targets, alpha, ...(w ? { sampleWeight: w } : {}) }),
    );
  } finally {
    tf.dispose([targets, ...(w ? [w] : [])]);
  }
}

/** The unfused loss (batchLoss) with a label mask, binary task with teacher logits. */
function unfusedBinary(
  kind: 'logits' | 'probabilities',
  c: ReturnType<typeof binaryCase>,
  student: number[],
  alpha: number,
  temperature: number,
  weighted: boolean,
) {
  const yTrue = tf.tensor2d(c.y, [N, 1]);
  const teacher = tf.tensor2d(c.tLogit, [N, 1]);
  const labelMask = tf.tensor2d(c.m, [N, 1]);
  const w = weighted ? tf.tensor1d(c.w) : undefined;
  try {
    return evaluate(student, [N, 1], (z) =>
      batchLoss({
        task: 'binary',
        studentOutput: z,
        studentKind: kind,
        yTrue,
        teacher,
        teacherKind: 'logits',
        alpha,
        temperature,
        labelMask,
        ...(w ? { sampleWeight: w } : {}),
      }),
    );
  } finally {
    tf.dispose([yTrue, teacher, labelMask, ...(w ? [w] : [])]);
  }
}

/** float64 reference for a logits student: [total, hard, soft] and the gradient. */
function binaryReference(c: ReturnType<typeof binaryCase>, alpha: number, T: number, weighted: boolean) {
  const w = weighted ? c.w : c.w.map(() => 1);
  const hw = w.map((wi, i) => wi * c.m[i]!);
  const hard = mean(
    c.s.map((z, i) => bceLogits(c.y[i]!, z)),
    hw,
  );
  const soft = mean(
    c.s.map((z, i) => T * T * bceLogits(sigmoid(c.tLogit[i]! / T), z / T)),
    w,
  );
  const H = sum(hw);
  const S = sum(w);
  // d/dz: α·m·w·(σ(z) − y)/Σ m·w + (1 − α)·w·T·(σ(z/T) − σ(t/T))/Σ w.
  const grad = c.s.map(
    (z, i) =>
      (H === 0 ? 0 : (alpha * hw[i]! * (sigmoid(z) - c.y[i]!)) / H) +
      ((1 - alpha) * w[i]! * T * (sigmoid(z / T) - sigmoid(c.tLogit[i]! / T))) / S,
  );
  return { parts: [alpha * hard + (1 - alpha) * soft, hard, soft], grad };
}

describe('masked binary loss, fused (T = 1): [m∘y | t | m] against float64', () => {
  it.each([
    [0, false],
    [0.3, false],
    [0.3, true],
    [1, true],
  ])('logits student, α = %s, sample weights %s', (alpha, weighted) => {
    const c = binaryCase(21);
    const ref = binaryReference(c, alpha, 1, weighted);
    const got = fusedMasked('logits', c, c.s, alpha, weighted);
    expect(closeTo(got.parts, ref.parts, 1e-5)).toBeUndefined();
    expect(closeTo(got.grad, ref.grad, 1e-5)).toBeUndefined();
  });

  it('probabilities student (inside the clamp), with sample weights', () => {
    const c = binaryCase(22);
    const q = uniform(seededRandom(3), N, 0.02, 0.98);
    const alpha = 0.6;
    const hw = c.w.map((wi, i) => wi * c.m[i]!);
    const t = c.tLogit.map(sigmoid);
    const hard = mean(
      q.map((qi, i) => bce(c.y[i]!, qi)),
      hw,
    );
    const soft = mean(
      q.map((qi, i) => bce(t[i]!, qi)),
      c.w,
    );
    // d/dq BCE(p, q) = (q − p) / (q(1 − q)).
    const d = (p: number, qi: number) => (qi - p) / (qi * (1 - qi));
    const grad = q.map(
      (qi, i) => (alpha * hw[i]! * d(c.y[i]!, qi)) / sum(hw) + ((1 - alpha) * c.w[i]! * d(t[i]!, qi)) / sum(c.w),
    );
    const got = fusedMasked('probabilities', c, q, alpha, true);
    expect(closeTo(got.parts, [alpha * hard + (1 - alpha) * soft, hard, soft], 1e-5)).toBeUndefined();
    expect(closeTo(got.grad, grad, 1e-4)).toBeUndefined();
  });

  it('a batch without a labelled row has hard part 0 (not NaN), with and without weights', () => {
    const c = binaryCase(23, () => false);
    for (const weighted of [false, true]) {
      const ref = binaryReference(c, 0.4, 1, weighted);
      expect(ref.parts[1]).toBe(0);
      const got = fusedMasked('logits', c, c.s, 0.4, weighted);
      expect(got.parts[1]).toBe(0);
      expect(closeTo(got.parts, ref.parts, 1e-5)).toBeUndefined();
      expect(closeTo(got.grad, ref.grad, 1e-5)).toBeUndefined();
    }
  });

  it('at α = 1 the unlabelled rows get exactly no gradient', () => {
    const c = binaryCase(24);
    const got = fusedMasked('logits', c, c.s, 1, true);
    c.m.forEach((m, i) => {
      if (m === 0) expect(got.grad[i] === 0).toBe(true);
      else expect(got.grad[i]).not.toBe(0);
    });
  });
});

describe('masked binary loss, unfused (batchLoss) against float64', () => {
  it.each([
    [1, 0.3, false],
    [1, 0.3, true],
    [2, 0.3, false],
    [2, 0.7, true],
    [4, 0, true],
  ])('logits student, T = %s, α = %s, sample weights %s', (T, alpha, weighted) => {
    const c = binaryCase(31);
    const ref = binaryReference(c, alpha, T, weighted);
    const got = unfusedBinary('logits', c, c.s, alpha, T, weighted);
    expect(closeTo(got.parts, ref.parts, 1e-5)).toBeUndefined();
    expect(closeTo(got.grad, ref.grad, 1e-5)).toBeUndefined();
  });

  it('T = 2, a batch without a labelled row: hard 0, total (1 − α)·soft', () => {
    const c = binaryCase(32, () => false);
    const ref = binaryReference(c, 0.5, 2, true);
    const got = unfusedBinary('logits', c, c.s, 0.5, 2, true);
    expect(got.parts[1]).toBe(0);
    expect(closeTo(got.parts, ref.parts, 1e-5)).toBeUndefined();
    expect(closeTo(got.grad, ref.grad, 1e-5)).toBeUndefined();
  });

  it('at T = 1 the fused and unfused masked losses agree (probabilities student too)', () => {
    const c = binaryCase(33);
    const q = uniform(seededRandom(4), N, 0.02, 0.98);
    for (const [kind, student] of [
      ['logits', c.s],
      ['probabilities', q],
    ] as const) {
      const a = fusedMasked(kind, c, student, 0.4, true);
      const b = unfusedBinary(kind, c, student, 0.4, 1, true);
      expect(closeTo(a.parts, b.parts, 1e-5)).toBeUndefined();
      expect(closeTo(a.grad, b.grad, 1e-4)).toBeUndefined();
    }
  });

  it('at α = 1 the unlabelled rows get exactly no gradient (T = 2)', () => {
    const c = binaryCase(34);
    const got = unfusedBinary('logits', c, c.s, 1, 2, false);
    c.m.forEach((m, i) => expect(got.grad[i] === 0).toBe(m === 0));
  });
});

describe('masked softmax loss (multi-class, unfused) against float64', () => {
  const K = 3;
  function multiCase(seed: number) {
    const rand = seededRandom(seed);
    const m = Array.from({ length: N }, (_, i) => (i % 4 === 0 ? 0 : 1));
    const labels = Array.from({ length: N }, () => Math.floor(rand() * K));
    // Unlabelled rows: a zero placeholder row, as the trainer gives them.
    const y = labels.map((l, i) => (m[i] ? oneHot(l, K) : [0, 0, 0]));
    const t = Array.from({ length: N }, () => uniform(rand, K, -3, 3));
    const s = Array.from({ length: N }, () => uniform(rand, K, -3, 3));
    const w = uniform(rand, N, 0.5, 2);
    return { m, y, t, s, w };
  }

  it.each([
    [1, 0.3],
    [2, 0.3],
    [2, 1],
  ])('T = %s, α = %s, with sample weights', (T, alpha) => {
    const c = multiCase(41);
    const hw = c.w.map((wi, i) => wi * c.m[i]!);
    const hard = mean(
      c.s.map((s, i) => crossEntropyLogits(c.y[i]!, s)),
      hw,
    );
    const soft = mean(
      c.s.map((s, i) => T * T * kl(softmax(c.t[i]!.map((v) => v / T)), softmax(s.map((v) => v / T)))),
      c.w,
    );
    // d/ds_k: α·m·w·(softmax(s)_k − y_k)/Σ m·w + (1 − α)·w·T·(softmax(s/T)_k − softmax(t/T)_k)/Σ w.
    const grad = c.s.flatMap((s, i) => {
      const p = softmax(s);
      const q = softmax(s.map((v) => v / T));
      const r = softmax(c.t[i]!.map((v) => v / T));
      return p.map(
        (_, k) =>
          (alpha * hw[i]! * (p[k]! - c.y[i]![k]!)) / sum(hw) + ((1 - alpha) * c.w[i]! * T * (q[k]! - r[k]!)) / sum(c.w),
      );
    });
    const yTrue = tf.tensor2d(c.y);
    const teacher = tf.tensor2d(c.t);
    const labelMask = tf.tensor2d(c.m, [N, 1]);
    const w = tf.tensor1d(c.w);
    const got = evaluate(c.s.flat(), [N, K], (z) =>
      batchLoss({
        task: 'multiclass',
        studentOutput: z,
        studentKind: 'logits',
        yTrue,
        teacher,
        teacherKind: 'logits',
        alpha,
        temperature: T,
        labelMask,
        sampleWeight: w,
      }),
    );
    tf.dispose([yTrue, teacher, labelMask, w]);
    expect(closeTo(got.parts, [alpha * hard + (1 - alpha) * soft, hard, soft], 1e-5)).toBeUndefined();
    expect(closeTo(got.grad, grad, 1e-5)).toBeUndefined();
    if (alpha === 1)
      c.m.forEach((m, i) => m === 0 && expect(got.grad.slice(i * K, i * K + K).every((g) => g === 0)).toBe(true));
  });
});
