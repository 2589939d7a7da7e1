import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { beforeAll, describe, it } from 'vitest';
import {
  binaryDistillationLoss,
  binaryDistillationLossFromLogits,
  softmaxDistillationLoss,
} from '../../src/losses/index.js';
import { bce, bceLogits, crossEntropyLogits, kl, oneHot, sigmoid, softmax } from './float64-reference.js';

// Modest run counts keep the whole file (shrinking included) within a few seconds.
const RUNS = { numRuns: 60 };

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Values as a float32 tensor holds them, so the float64 reference sees the same inputs. */
const f32 = (lo: number, hi: number) => fc.double({ min: lo, max: hi, noNaN: true }).map(Math.fround);
const label = fc.constantFrom(0, 1);
const alpha = f32(0, 1);

function perSample(fn: () => tf.Tensor): number[] {
  const t = fn();
  const out = Array.from(t.dataSync());
  t.dispose();
  return out;
}

/** |a − e| within an absolute floor plus a relative part: float32 against float64. */
function near(a: number, e: number, rtol: number, atol: number): boolean {
  return Math.abs(a - e) <= atol + rtol * Math.abs(e);
}

const binaryRows = (s: fc.Arbitrary<number>, t: fc.Arbitrary<number> = f32(0, 1)) =>
  fc.array(fc.record({ y: label, t, s }), { minLength: 1, maxLength: 8 });

describe('binary distillation loss on probabilities: properties against float64', () => {
  it('equals BCE(α·y + (1 − α)·t, s) per sample', () => {
    fc.assert(
      fc.property(binaryRows(f32(1e-6, 1 - 1e-6)), alpha, (rows, a) => {
        const got = perSample(() =>
          tf.tidy(
            () =>
              binaryDistillationLoss({
                yTrue: tf.tensor1d(rows.map((r) => r.y)),
                teacher: tf.tensor1d(rows.map((r) => r.t)),
                student: tf.tensor1d(rows.map((r) => r.s)),
                alpha: a,
                reduction: 'none',
              }).total,
          ),
        );
        return rows.every((r, i) => near(got[i]!, bce(a * r.y + (1 - a) * r.t, r.s), 2e-5, 2e-6));
      }),
      RUNS,
    );
  });

  it('is smallest at s = α·y + (1 − α)·t, where its gradient vanishes', () => {
    const setting = fc
      .record({ y: label, t: f32(0, 1), a: alpha, delta: f32(0.02, 0.2), up: fc.boolean() })
      .map((c) => ({ ...c, target: Math.fround(c.a * c.y + (1 - c.a) * c.t) }))
      .filter((c) => c.target >= 0.01 && c.target <= 0.99);
    fc.assert(
      fc.property(setting, ({ y, t, a, delta, up, target }) => {
        const other = Math.min(Math.max(target + (up ? delta : -delta), 1e-3), 1 - 1e-3);
        fc.pre(Math.abs(other - target) >= 0.01);
        const yTrue = tf.tensor1d([y, y]);
        const teacher = tf.tensor1d([t, t]);
        const [atTarget, atOther] = perSample(() =>
          tf.tidy(
            () =>
              binaryDistillationLoss({
                yTrue,
                teacher,
                student: tf.tensor1d([target, other]),
                alpha: a,
                reduction: 'none',
              }).total,
          ),
        );
        const student = tf.scalar(target);
        const grad = tf.grad(
          (s: tf.Tensor) =>
            binaryDistillationLoss({ yTrue: tf.tensor1d([y]), teacher: tf.tensor1d([t]), student: s, alpha: a }).total,
        )(tf.reshape(student, [1]));
        const g = grad.dataSync()[0]!;
        tf.dispose([yTrue, teacher, student, grad]);
        return atTarget! < atOther! && Math.abs(g) <= 1e-4;
      }),
      RUNS,
    );
  });

  it('is finite, with a finite gradient, for any probability in [0, 1] (saturated ones are clamped)', () => {
    const edge = fc.oneof(fc.constantFrom(0, 1, 1e-9, 1 - 1e-9), f32(0, 1));
    fc.assert(
      fc.property(binaryRows(edge, edge), alpha, (rows, a) => {
        const yTrue = tf.tensor1d(rows.map((r) => r.y));
        const teacher = tf.tensor1d(rows.map((r) => r.t));
        const student = tf.tensor1d(rows.map((r) => r.s));
        const { value, grad } = tf.valueAndGrad(
          (s: tf.Tensor) => binaryDistillationLoss({ yTrue, teacher, student: s, alpha: a }).total,
        )(student);
        const values = [...value.dataSync(), ...grad.dataSync()];
        tf.dispose([yTrue, teacher, student, value, grad]);
        return values.every(Number.isFinite);
      }),
      RUNS,
    );
  });
});

/** Central finite difference of a float64 function of a vector, one coordinate at a time. */
function finiteDifference(f: (x: number[]) => number, x: number[], h = 1e-5): number[] {
  return x.map((_, i) => {
    const plus = [...x];
    const minus = [...x];
    plus[i]! += h;
    minus[i]! -= h;
    return (f(plus) - f(minus)) / (2 * h);
  });
}

const temperature = f32(0.5, 5);

describe('binary distillation loss from logits: properties against float64', () => {
  it('has the gradient of its float64 closed form (central finite differences)', () => {
    fc.assert(
      fc.property(binaryRows(f32(-6, 6), f32(-6, 6)), alpha, temperature, (rows, a, T) => {
        const reference = (s: number[]) =>
          rows.reduce(
            (acc, r, i) => acc + a * bceLogits(r.y, s[i]!) + (1 - a) * T * T * bceLogits(sigmoid(r.t / T), s[i]! / T),
            0,
          );
        const expected = finiteDifference(
          reference,
          rows.map((r) => r.s),
        );
        const yTrue = tf.tensor1d(rows.map((r) => r.y));
        const teacher = tf.tensor1d(rows.map((r) => r.t));
        const student = tf.tensor1d(rows.map((r) => r.s));
        const grad = tf.grad(
          (s: tf.Tensor) =>
            binaryDistillationLossFromLogits({ yTrue, teacher, student: s, alpha: a, temperature: T, reduction: 'sum' })
              .total,
        )(student);
        const got = Array.from(grad.dataSync());
        tf.dispose([yTrue, teacher, student, grad]);
        return expected.every((e, i) => near(got[i]!, e, 1e-4, 1e-5));
      }),
      RUNS,
    );
  });

  it('is finite, with a finite gradient, for any finite logit of float32 size', () => {
    fc.assert(
      fc.property(binaryRows(f32(-1e4, 1e4), f32(-1e4, 1e4)), alpha, temperature, (rows, a, T) => {
        const yTrue = tf.tensor1d(rows.map((r) => r.y));
        const teacher = tf.tensor1d(rows.map((r) => r.t));
        const student = tf.tensor1d(rows.map((r) => r.s));
        const { value, grad } = tf.valueAndGrad(
          (s: tf.Tensor) =>
            binaryDistillationLossFromLogits({ yTrue, teacher, student: s, alpha: a, temperature: T }).total,
        )(student);
        const values = [...value.dataSync(), ...grad.dataSync()];
        tf.dispose([yTrue, teacher, student, value, grad]);
        return values.every(Number.isFinite);
      }),
      RUNS,
    );
  });

  it('agrees with the probability form at T = 1 while σ(s) stays inside the clamp range', () => {
    fc.assert(
      fc.property(binaryRows(f32(-5, 5), f32(-5, 5)), alpha, (rows, a) => {
        const parts = tf.tidy(() => {
          const yTrue = tf.tensor1d(rows.map((r) => r.y));
          const teacherLogits = tf.tensor1d(rows.map((r) => r.t));
          const studentLogits = tf.tensor1d(rows.map((r) => r.s));
          const fromLogits = binaryDistillationLossFromLogits({
            yTrue,
            teacher: teacherLogits,
            student: studentLogits,
            alpha: a,
            reduction: 'none',
          });
          const onProbabilities = binaryDistillationLoss({
            yTrue,
            teacher: tf.sigmoid(teacherLogits),
            student: tf.sigmoid(studentLogits),
            alpha: a,
            reduction: 'none',
          });
          return [fromLogits.total, onProbabilities.total];
        });
        const [l, p] = parts.map((t) => Array.from(t.dataSync()));
        tf.dispose(parts);
        return l!.every((v, i) => near(v, p![i]!, 1e-4, 1e-5));
      }),
      RUNS,
    );
  });
});

describe('softmax distillation loss: properties against float64', () => {
  const problem = fc.integer({ min: 2, max: 5 }).chain((k) =>
    fc.record({
      k: fc.constant(k),
      rows: fc.array(
        fc.record({
          label: fc.integer({ min: 0, max: k - 1 }),
          t: fc.array(f32(-5, 5), { minLength: k, maxLength: k }),
          s: fc.array(f32(-5, 5), { minLength: k, maxLength: k }),
        }),
        { minLength: 1, maxLength: 4 },
      ),
    }),
  );

  it('has the gradient of α·CE + (1 − α)·T²·KL in float64 (central finite differences)', () => {
    fc.assert(
      fc.property(problem, alpha, temperature, ({ k, rows }, a, T) => {
        const reference = (flat: number[]) =>
          rows.reduce((acc, r, i) => {
            const s = flat.slice(i * k, (i + 1) * k);
            const p = softmax(r.t.map((v) => v / T));
            const q = softmax(s.map((v) => v / T));
            return acc + a * crossEntropyLogits(oneHot(r.label, k), s) + (1 - a) * T * T * kl(p, q);
          }, 0);
        const expected = finiteDifference(
          reference,
          rows.flatMap((r) => r.s),
        );
        const yTrue = tf.tensor1d(
          rows.map((r) => r.label),
          'int32',
        );
        const teacher = tf.tensor2d(rows.map((r) => r.t));
        const student = tf.tensor2d(rows.map((r) => r.s));
        const grad = tf.grad(
          (s: tf.Tensor) =>
            softmaxDistillationLoss({ yTrue, teacher, student: s, alpha: a, temperature: T, reduction: 'sum' }).total,
        )(student);
        const got = Array.from(grad.dataSync());
        tf.dispose([yTrue, teacher, student, grad]);
        return expected.every((e, i) => near(got[i]!, e, 1e-4, 1e-5));
      }),
      RUNS,
    );
  });

  it('is finite, with a finite gradient, for logits of any float32 size', () => {
    const wide = fc.integer({ min: 2, max: 4 }).chain((k) =>
      fc.array(
        fc.record({
          label: fc.integer({ min: 0, max: k - 1 }),
          t: fc.array(f32(-1e4, 1e4), { minLength: k, maxLength: k }),
          s: fc.array(f32(-1e4, 1e4), { minLength: k, maxLength: k }),
        }),
        { minLength: 1, maxLength: 4 },
      ),
    );
    fc.assert(
      fc.property(wide, alpha, temperature, (rows, a, T) => {
        const yTrue = tf.tensor1d(
          rows.map((r) => r.label),
          'int32',
        );
        const teacher = tf.tensor2d(rows.map((r) => r.t));
        const student = tf.tensor2d(rows.map((r) => r.s));
        const { value, grad } = tf.valueAndGrad(
          (s: tf.Tensor) => softmaxDistillationLoss({ yTrue, teacher, student: s, alpha: a, temperature: T }).total,
        )(student);
        const values = [...value.dataSync(), ...grad.dataSync()];
        tf.dispose([yTrue, teacher, student, value, grad]);
        return values.every(Number.isFinite);
      }),
      RUNS,
    );
  });
});
