import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpuRuntime } from '../../src/cpu.js';
import { isKdError, searchAlpha, teacher, type KdRuntime } from '../../src/index.js';
import { denseStudent, toyBinary } from '../helpers/fixtures.js';

let runtime: KdRuntime;
const train = toyBinary(80, 4, 3);
const val = toyBinary(40, 4, 4);
let teacherCalls = 0;
const t = teacher(
  (x) => {
    teacherCalls++;
    return tf.matMul(x, tf.tensor2d([[2], [-1], [2], [-1]]));
  },
  { output: 'logits', id: 'search-teacher-test' },
);

beforeAll(async () => {
  runtime = cpuRuntime();
  await runtime.init();
});
afterAll(() => tf.dispose([train.x, train.y, val.x, val.y]));

describe('searchAlpha', () => {
  it('trains every (α, seed), summarises mean ± std, picks the best, and computes the teacher once', async () => {
    const before = tf.memory().numTensors;
    const seen: number[] = [];
    const result = await searchAlpha({
      runtime,
      teacher: t,
      data: { x: train.x, y: train.y },
      validation: { x: val.x, y: val.y },
      makeStudent: (seed) => denseStudent(4, 4, 1, seed),
      makeOptimizer: () => tf.train.adam(0.05),
      alphas: [0, 0.5, 1],
      seeds: [0, 1],
      epochs: 2,
      batchSize: 20,
      metric: 'val_auc',
      onRun: (_run, done) => void seen.push(done),
    });
    expect(teacherCalls).toBe(1);
    expect(seen).toEqual([1, 2, 3, 4, 5, 6]);
    expect(result.runs).toHaveLength(6);
    expect(result.rows.map((r) => r.alpha)).toEqual([0, 0.5, 1]);
    for (const row of result.rows) {
      const values = result.runs.filter((r) => r.alpha === row.alpha).map((r) => r.value);
      const mean = (values[0]! + values[1]!) / 2;
      expect(row.mean).toBeCloseTo(mean, 12);
      expect(row.std).toBeCloseTo(Math.abs(values[0]! - values[1]!) / Math.SQRT2, 12);
    }
    expect(result.best.mean).toBe(Math.max(...result.rows.map((r) => r.mean)));
    expect(tf.memory().numTensors).toBe(before);
  });

  it('searches temperature as a second axis and selects on a loss by minimum', async () => {
    const result = await searchAlpha({
      runtime,
      teacher: t,
      data: { x: train.x, y: train.y },
      validation: { x: val.x, y: val.y },
      makeStudent: (seed) => denseStudent(4, 0, 1, seed),
      alphas: [0.2, 0.8],
      temperatures: [1, 3],
      seeds: [0],
      epochs: 1,
      metric: 'val_loss',
    });
    expect(result.mode).toBe('min');
    expect(result.rows.map((r) => [r.alpha, r.temperature])).toEqual([
      [0.2, 1],
      [0.8, 1],
      [0.2, 3],
      [0.8, 3],
    ]);
    expect(result.best.mean).toBe(Math.min(...result.rows.map((r) => r.mean)));
  });

  it('rejects α outside [0, 1] before training', async () => {
    const err = await searchAlpha({
      runtime,
      teacher: t,
      data: { x: train.x, y: train.y },
      validation: { x: val.x, y: val.y },
      makeStudent: () => denseStudent(4, 0, 1, 0),
      alphas: [0.5, 2],
    }).catch((e: unknown) => e);
    expect(isKdError(err, 'KD_ALPHA_RANGE')).toBe(true);
  });

  it('keeps the finished runs when one run fails, and reports the failed run with its error', async () => {
    const before = tf.memory().numTensors;
    const boom = new Error('this run fails');
    const result = await searchAlpha({
      runtime,
      teacher: t,
      data: { x: train.x, y: train.y },
      validation: { x: val.x, y: val.y },
      makeStudent: (seed) => denseStudent(4, 0, 1, seed),
      alphas: [0, 0.5, 1],
      seeds: [0, 1],
      epochs: 1,
      batchSize: 20,
      metric: 'val_loss',
      callbacks: {
        onBatchEnd: (b) => {
          if (b.alpha === 0.5) throw boom;
        },
      },
    });
    expect(result.runs.map((r) => r.alpha)).toEqual([0, 0, 1, 1]);
    expect(result.failed.map((f) => [f.alpha, f.seed, f.error])).toEqual([
      [0.5, 0, boom],
      [0.5, 1, boom],
    ]);
    const failedRow = result.rows.find((r) => r.alpha === 0.5)!;
    expect(failedRow.values).toEqual([]);
    expect(Number.isNaN(failedRow.mean)).toBe(true);
    expect(Number.isFinite(result.best.mean)).toBe(true);
    expect([0, 1]).toContain(result.best.alpha);
    expect(result.best.mean).toBe(Math.min(...result.rows.filter((r) => r.alpha !== 0.5).map((r) => r.mean)));
    expect(tf.memory().numTensors).toBe(before);
  });

  it('never returns a NaN metric as best: AUC on one-class validation data is an error that says why', async () => {
    const oneClass = tf.ones([40]);
    const err = await searchAlpha({
      runtime,
      teacher: t,
      data: { x: train.x, y: train.y },
      validation: { x: val.x, y: oneClass },
      makeStudent: (seed) => denseStudent(4, 0, 1, seed),
      alphas: [0, 1],
      seeds: [0],
      epochs: 1,
      metric: 'val_auc',
    }).catch((e: unknown) => e);
    expect(isKdError(err, 'KD_DATA_INVALID'), String(err)).toBe(true);
    expect((err as Error).message).toContain('one class');
    oneClass.dispose();
  });

  it('refuses a zero or fractional teacherBatchSize before computing anything', async () => {
    for (const teacherBatchSize of [0, 2.5]) {
      const err = await searchAlpha({
        runtime,
        teacher: t,
        data: { x: train.x, y: train.y },
        validation: { x: val.x, y: val.y },
        makeStudent: () => denseStudent(4, 0, 1, 0),
        teacherBatchSize,
      }).catch((e: unknown) => e);
      expect(isKdError(err, 'KD_INVALID_ARGUMENT'), String(err)).toBe(true);
    }
  });
});
