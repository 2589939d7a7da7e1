import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpuRuntime } from '../../src/cpu.js';
import {
  distill,
  gaussianNoise,
  isKdError,
  linear,
  precomputedTeacher,
  streamingData,
  teacher,
  type DistillOptions,
  type KdRuntime,
  type Teacher,
  type TrainingData,
  type UnlabeledStream,
} from '../../src/index.js';
import { batchTransferSeed } from '../../src/trainer/transfer-set.js';
import { bce64, denseStudent, sigmoid64, toyBinary } from '../helpers/fixtures.js';

let runtime: KdRuntime;
const data = toyBinary(60);
const extra = toyBinary(45, 4, 98);
const W = [2, -1, 2, -1];
const teacherLogit = (row: number[]) => row.reduce((a, v, j) => a + v * W[j]!, 0);
let teacherId = 0;

function countingTeacher(): { t: Teacher; calls: () => number } {
  let calls = 0;
  const t = teacher(
    (x) => {
      calls++;
      return tf.matMul(x, tf.tensor2d(W, [4, 1]));
    },
    { output: 'logits', id: `stream-unlabeled-teacher-${++teacherId}` },
  );
  return { t, calls: () => calls };
}

beforeAll(async () => {
  runtime = cpuRuntime();
  await runtime.init();
});
afterAll(() => tf.dispose([data.x, data.y, extra.x, extra.y]));

/** The training rows as a stream of `size`-row batches (fresh tensors every pass). */
const labelledStream = (size: number) =>
  streamingData(
    async function* () {
      for (let s = 0; s < 60; s += size)
        yield { x: tf.slice(data.x, s, Math.min(size, 60 - s)), y: tf.slice(data.y, s, Math.min(size, 60 - s)) };
    },
    { featureShape: [4] },
  );

/** The extra rows as a stream of `size`-row batches, as Float32Arrays. */
const unlabeledStream = (size: number, rows = extra.xs): UnlabeledStream => ({
  *batches() {
    for (let s = 0; s < rows.length; s += size) yield { x: Float32Array.from(rows.slice(s, s + size).flat()) };
  },
});

function studentLogits(model: { getWeights(): tf.Tensor[] }, rows: number[][]): number[] {
  const [kernel, bias] = model.getWeights().map((w) => Array.from(w.dataSync()));
  return rows.map((r) => r.reduce((a, v, j) => a + v * kernel![j]!, 0) + bias![0]!);
}
const softBce = (tLogit: number, s: number, T: number) => T * T * bce64(sigmoid64(tLogit / T), sigmoid64(s / T));
const sum = (v: number[]) => v.reduce((a, b) => a + b, 0);

/** hardLoss over the labelled rows and softLoss over every row, in float64, for a frozen linear student. */
function expectedParts(model: { getWeights(): tf.Tensor[] }, extraRows: number[][], T: number) {
  const sL = studentLogits(model, data.xs);
  const sE = studentLogits(model, extraRows);
  return {
    hard: sum(sL.map((s, i) => bce64(data.ys[i]!, sigmoid64(s)))) / sL.length,
    soft:
      (sum(sL.map((s, i) => softBce(teacherLogit(data.xs[i]!), s, T))) +
        sum(sE.map((s, i) => softBce(teacherLogit(extraRows[i]!), s, T)))) /
      (sL.length + sE.length),
  };
}

describe('a stream with unlabeled rows as a second stream', () => {
  it.each([1, 2])(
    'zips batch k of both streams into step k; hard over labelled rows, soft over all (T = %s, float64)',
    async (T) => {
      const { t, calls } = countingTeacher();
      const model = denseStudent(4, 0, 1, 3);
      const steps: number[] = [];
      let begin: { trainRows: number; unlabeledRows: number; batchSize: number } | undefined;
      const r = await distill({
        runtime,
        teacher: t,
        student: model,
        data: labelledStream(20),
        // 45 rows in batches of 10: 5 batches against the training stream's 3.
        unlabeled: unlabeledStream(10),
        temperature: T,
        epochs: 2,
        optimizer: tf.train.sgd(0),
        callbacks: {
          onTrainBegin: (log) => void (begin = log),
          onBatchEnd: (log) => void steps.push(log.size),
        },
      });
      // Steps 0-2: 20 labelled + 10 unlabelled rows; steps 3-4: the unlabelled stream's last batches alone.
      expect(steps).toEqual([30, 30, 30, 10, 5, 30, 30, 30, 10, 5]);
      expect(begin).toMatchObject({ trainRows: 60, unlabeledRows: 45, batchSize: 30 });
      // The pass before training asked the teacher once per batch of each kind; the epochs read the cache.
      expect(calls()).toBe(3 + 5);
      const ref = expectedParts(model, extra.xs, T);
      for (const log of r.history) {
        expect(log.hardLoss).toBeCloseTo(ref.hard, 5);
        expect(log.softLoss).toBeCloseTo(ref.soft, 5);
      }
      model.dispose();
    },
  );

  it('keeps the tensor count flat across epochs and is reproducible', async () => {
    const run = async () => {
      const model = denseStudent(4, 4, 1, 4);
      const counts: number[] = [];
      const optimizer = tf.train.sgd(0.1);
      const r = await distill({
        runtime,
        teacher: countingTeacher().t,
        student: model,
        data: labelledStream(16),
        unlabeled: unlabeledStream(16),
        transfer: { method: 'noise', multiple: 1, seed: 1 },
        temperature: linear({ from: 2, to: 1 }),
        epochs: 4,
        optimizer,
        callbacks: { onEpochEnd: () => void counts.push(tf.memory().numTensors) },
      });
      expect(new Set(counts).size).toBe(1);
      optimizer.dispose();
      model.dispose();
      return r.history.map((h) => [h.loss, h.hardLoss, h.softLoss]);
    };
    const before = tf.memory().numTensors;
    const a = await run();
    expect(tf.memory().numTensors).toBe(before);
    expect(await run()).toEqual(a);
  });
});

describe('a stream with transfer rows generated per batch', () => {
  it('generates noise rows from each streamed batch, seeded per batch, and trains on them (float64)', async () => {
    const { t, calls } = countingTeacher();
    const model = denseStudent(4, 0, 1, 5);
    const r = await distill({
      runtime,
      teacher: t,
      student: model,
      data: labelledStream(20),
      transfer: { method: 'noise', multiple: 2, sd: 0.3, seed: 7 },
      epochs: 2,
      optimizer: tf.train.sgd(0),
    });
    expect(calls()).toBe(3 + 3);
    // The rows kd generated: gaussianNoise of batch k with the batch's own seed.
    const generated: number[][] = [];
    for (let k = 0; k < 3; k++) {
      const batch = tf.slice(data.x, k * 20, 20);
      const g = await gaussianNoise(batch, { multiple: 2, sd: 0.3, seed: batchTransferSeed(7, k) });
      generated.push(...((await g.array()) as number[][]));
      tf.dispose([batch, g]);
    }
    const ref = expectedParts(model, generated, 1);
    for (const log of r.history) {
      expect(log.hardLoss).toBeCloseTo(ref.hard, 5);
      expect(log.softLoss).toBeCloseTo(ref.soft, 5);
    }
    model.dispose();
  });

  it('measures the soft targets in the pass, at the first step of a temperature schedule too (float64)', async () => {
    const model = denseStudent(4, 0, 1, 6);
    for (const temperature of [3, linear({ from: 3, to: 1 })]) {
      const r = await distill({
        runtime,
        teacher: countingTeacher().t,
        student: model,
        data: labelledStream(25),
        transfer: { method: 'mixup', multiple: 1 },
        temperature,
        epochs: 1,
        optimizer: tf.train.sgd(0),
      });
      const tgt = data.xs.map((row) => sigmoid64(teacherLogit(row) / 3));
      expect(r.diagnostics!.temperature).toBe(3);
      expect(r.diagnostics!.softTargets.rows).toBe(60);
      expect(r.diagnostics!.softTargets.meanAbsGap).toBeCloseTo(
        sum(tgt.map((v, i) => Math.abs(v - data.ys[i]!))) / 60,
        5,
      );
    }
    model.dispose();
  });
});

describe('streamed rows without labels are checked', () => {
  async function expectCode(code: string, options: Partial<DistillOptions<TrainingData>>) {
    const model = denseStudent(4, 0, 1, 7);
    let began = false;
    const err = await distill({
      runtime,
      teacher: countingTeacher().t,
      student: model,
      data: labelledStream(20),
      epochs: 1,
      callbacks: { onTrainBegin: () => void (began = true) },
      ...options,
    } as DistillOptions<TrainingData>).catch((e: unknown) => e);
    expect(isKdError(err, code as never), `expected ${code}, got ${String(err)}`).toBe(true);
    expect(began).toBe(false);
    model.dispose();
    return err as Error;
  }

  it("refuses munge (it needs every row's neighbours) and in-memory unlabelled rows next to a stream", async () => {
    const e = await expectCode('KD_INVALID_ARGUMENT', { transfer: { method: 'munge', multiple: 1 } });
    expect(e.message).toMatch(/'mixup' or 'noise'/);
    await expectCode('KD_INVALID_ARGUMENT', { unlabeled: { x: extra.x } });
  });
  it('refuses a precomputed transferTeacher (it cannot follow streamed batches)', () =>
    expectCode('KD_TEACHER_INVALID', {
      unlabeled: unlabeledStream(10),
      transferTeacher: precomputedTeacher([0.5], { output: 'probabilities' }),
    }));
  it('checks every unlabelled batch in the pass before training: width and finite values', async () => {
    const e = await expectCode('KD_SHAPE_MISMATCH', {
      unlabeled: unlabeledStream(
        10,
        extra.xs.map((r) => r.slice(0, 3)),
      ),
    });
    expect(e.message).toMatch(/unlabeled batch 0/);
    const bad = extra.xs.map((r, i) => (i === 23 ? [r[0]!, Number.NaN, r[2]!, r[3]!] : r));
    const nan = await expectCode('KD_NON_FINITE', { unlabeled: unlabeledStream(10, bad) });
    expect(nan.message).toMatch(/unlabeled batch 2/);
    const tensors = tf.memory().numTensors;
    await expectCode('KD_DATA_INVALID', { unlabeled: { batches: () => 42 } as never });
    expect(tf.memory().numTensors).toBe(tensors);
  });
});
