import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { kdErrorOf } from '@kd/test-utils/kd-error';
import { cpuRuntime } from '../../src/cpu.js';
import {
  computeTeacherOutputs,
  ensemble,
  isKdError,
  precomputedTeacher,
  teacher,
  type KdRuntime,
} from '../../src/index.js';
import { denseStudent, sigmoid64 } from '../helpers/fixtures.js';

let runtime: KdRuntime;
beforeAll(async () => {
  runtime = cpuRuntime();
  await runtime.init();
});

const rows = [
  [0.5, -1],
  [2, 0.25],
  [-3, 1.5],
];
// Two binary teachers given as logits: a = x0 + x1, b = 2·x0 − x1; a third as probabilities.
const a = teacher((x) => tf.sum(x, 1, true), { output: 'logits', id: 'a' });
const b = teacher((x) => tf.sub(tf.mul(tf.slice(x, [0, 0], [-1, 1]), 2), tf.slice(x, [0, 1], [-1, 1])), {
  output: 'logits',
  id: 'b',
});
const logitA = (r: number[]) => r[0]! + r[1]!;
const logitB = (r: number[]) => 2 * r[0]! - r[1]!;
const logit64 = (p: number) => Math.log(p / (1 - p));

async function outputs(t: ReturnType<typeof ensemble>): Promise<number[]> {
  const x = tf.tensor2d(rows);
  try {
    const out = await t.predictDataset(x, { batchSize: 2 });
    const v = Array.from(await out.data());
    out.dispose();
    return v;
  } finally {
    x.dispose();
  }
}

describe('ensemble', () => {
  it('mean-probability averages σ of the members', async () => {
    const v = await outputs(ensemble([a, b]));
    rows.forEach((r, i) => expect(v[i]).toBeCloseTo((sigmoid64(logitA(r)) + sigmoid64(logitB(r))) / 2, 6));
  });

  it('mean-logit averages logits (probability members converted with log(p/(1−p)))', async () => {
    const pb = teacher(
      (x) => tf.sigmoid(tf.sub(tf.mul(tf.slice(x, [0, 0], [-1, 1]), 2), tf.slice(x, [0, 1], [-1, 1]))),
      { output: 'probabilities', id: 'pb' },
    );
    const t = ensemble([a, pb], { combine: 'mean-logit' });
    expect(t.output).toBe('logits');
    const v = await outputs(t);
    rows.forEach((r, i) => expect(v[i]).toBeCloseTo((logitA(r) + logit64(sigmoid64(logitB(r)))) / 2, 4));
  });

  it('weighted normalises the weights', async () => {
    const v = await outputs(ensemble([a, b], { combine: 'weighted', weights: [3, 1] }));
    rows.forEach((r, i) => expect(v[i]).toBeCloseTo(0.75 * sigmoid64(logitA(r)) + 0.25 * sigmoid64(logitB(r)), 6));
  });

  it('uses softmax for multi-unit members', async () => {
    const m = teacher((x) => tf.concat([x, tf.zerosLike(tf.slice(x, [0, 0], [-1, 1]))], 1), {
      output: 'logits',
      id: 'm3',
    });
    const v = await outputs(ensemble([m, m]));
    rows.forEach((r, i) => {
      const z = [r[0]!, r[1]!, 0];
      const e = z.map(Math.exp);
      const s = e.reduce((p, q) => p + q, 0);
      e.forEach((ek, k) => expect(v[i * 3 + k]).toBeCloseTo(ek / s, 6));
    });
  });

  it('rejects bad configurations with KD_ENSEMBLE_INVALID', async () => {
    const code = (f: () => unknown) => kdErrorOf(f).code;
    expect(code(() => ensemble([]))).toBe('KD_ENSEMBLE_INVALID');
    expect(code(() => ensemble([a, b], { combine: 'weighted', weights: [1] }))).toBe('KD_ENSEMBLE_INVALID');
    expect(code(() => ensemble([a, b], { combine: 'weighted', weights: [1, -1] }))).toBe('KD_ENSEMBLE_INVALID');
    expect(code(() => ensemble([a, b], { weights: [1, 1] }))).toBe('KD_ENSEMBLE_INVALID');
    expect(code(() => ensemble([a, b], { combine: 'median' as never }))).toBe('KD_ENSEMBLE_INVALID');
    const wide = teacher((x) => x, { output: 'logits', id: 'wide' });
    const before = tf.memory().numTensors;
    const err = await outputs(ensemble([a, wide])).catch((e: unknown) => e);
    expect(isKdError(err, 'KD_ENSEMBLE_INVALID')).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('teachers', () => {
  it('infers the output kind of layers models and asks for it otherwise', () => {
    expect(teacher(denseStudent(2, 0, 1, 1, 'sigmoid')).output).toBe('probabilities');
    expect(teacher(denseStudent(2, 0, 1, 1)).output).toBe('logits');
    expect(() => teacher((x: tf.Tensor) => x)).toThrow(/logits or probabilities/);
  });

  it('computes outputs once and then serves them from the runtime cache', async () => {
    let calls = 0;
    const t = teacher(
      (x) => {
        calls++;
        return tf.sum(x, 1, true);
      },
      { output: 'logits', id: 'counted' },
    );
    const x = tf.tensor2d(rows);
    const first = await computeTeacherOutputs(runtime, t, x, { batchSize: 2 });
    const callsAfterFirst = calls;
    const second = await computeTeacherOutputs(runtime, t, x, { batchSize: 2 });
    expect(callsAfterFirst).toBe(2); // two batches
    expect(calls).toBe(2);
    expect([first.fromCache, second.fromCache]).toEqual([false, true]);
    expect(Array.from(await second.values.data())).toEqual(Array.from(await first.values.data()));
    // Other data → another key → computed again.
    const x2 = tf.tensor2d([[1, 1]]);
    const third = await computeTeacherOutputs(runtime, t, x2);
    expect(third.fromCache).toBe(false);
    tf.dispose([x, x2, first.values, second.values, third.values]);
  });

  it('keys layers models by their weights', async () => {
    const m1 = denseStudent(2, 0, 1, 1);
    const m2 = denseStudent(2, 0, 1, 2);
    const k1 = await teacher(m1).cacheKey();
    expect(await teacher(m1).cacheKey()).toBe(k1);
    expect(await teacher(m2).cacheKey()).not.toBe(k1);
    m1.dispose();
    m2.dispose();
  });

  it('precomputed outputs are served row for row and checked against the data', async () => {
    const t = precomputedTeacher([[0.1], [0.9], [0.4]], { output: 'probabilities' });
    const x = tf.tensor2d(rows);
    const out = await t.predictDataset(x, { batchSize: 8 });
    expect(Array.from(await out.data()).map((v) => +v.toFixed(6))).toEqual([0.1, 0.9, 0.4]);
    const short = tf.tensor2d([[1, 2]]);
    const err = await t.predictDataset(short, { batchSize: 8 }).catch((e: unknown) => e);
    expect(isKdError(err, 'KD_SHAPE_MISMATCH')).toBe(true);
    tf.dispose([x, out, short]);
  });
});
