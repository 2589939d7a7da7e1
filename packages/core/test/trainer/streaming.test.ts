import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpuRuntime } from '../../src/cpu.js';
import {
  distill,
  ensemble,
  isKdError,
  linear,
  MemoryTeacherCache,
  precomputedTeacher,
  streamingData,
  teacher,
  trainFromScratch,
  type CachedTeacherOutputs,
  type DistillOptions,
  type KdRuntime,
  type StreamBatch,
  type Teacher,
  type TrainingData,
} from '../../src/index.js';
import { bce64, denseStudent, sigmoid64, toyBinary } from '../helpers/fixtures.js';

let runtime: KdRuntime;
const data = toyBinary(120);
const W = [2, -1, 2, -1];
const teacherLogit = (row: number[]) => row.reduce((a, v, j) => a + v * W[j]!, 0);
let teacherId = 0;

/** A logits teacher x·W that counts its calls; a fresh id, so no earlier run's cache entries apply. */
function countingTeacher(): { t: Teacher; calls: () => number } {
  let calls = 0;
  const t = teacher(
    (x) => {
      calls++;
      return tf.matMul(x, tf.tensor2d(W, [4, 1]));
    },
    { output: 'logits', id: `stream-teacher-${++teacherId}` },
  );
  return { t, calls: () => calls };
}

/** Consecutive row slices of in-memory tensors, as a stream (fresh tensors every pass, handed to kd). */
function sliceStream(x: tf.Tensor, y: tf.Tensor, batchSize: number, w?: tf.Tensor) {
  const rows = x.shape[0]!;
  return streamingData(
    async function* () {
      for (let start = 0; start < rows; start += batchSize) {
        const size = Math.min(batchSize, rows - start);
        yield {
          x: tf.slice(x, start, size),
          y: tf.slice(y, start, size),
          ...(w ? { sampleWeight: tf.slice(w, start, size) } : {}),
        };
      }
    },
    { featureShape: x.shape.slice(1) },
  );
}

/** Batches of plain arrays (Float32Array features, number labels) from row lists. */
function arrayStream(
  xs: number[][],
  ys: number[],
  batchSize: number,
  edit?: (batch: StreamBatch, index: number, pass: number) => StreamBatch,
) {
  let pass = 0;
  return streamingData(
    function* () {
      const p = pass++;
      for (let start = 0, i = 0; start < xs.length; start += batchSize, i++) {
        const batch: StreamBatch = {
          x: Float32Array.from(xs.slice(start, start + batchSize).flat()),
          y: ys.slice(start, start + batchSize),
        };
        yield edit ? edit(batch, i, p) : batch;
      }
    },
    { featureShape: [xs[0]!.length] },
  );
}

const weightsOf = (m: { getWeights(): tf.Tensor[] }) => m.getWeights().map((w) => Array.from(w.dataSync()));

beforeAll(async () => {
  runtime = cpuRuntime();
  await runtime.init();
});
afterAll(() => tf.dispose([data.x, data.y]));

describe('distill on a stream', () => {
  it('gives the same losses, validation metrics and final weights as in-memory data with shuffle off and the same batches', async () => {
    const weights = tf.tensor1d(data.ys.map((_, i) => 0.5 + (i % 3) * 0.5));
    const val = toyBinary(40, 4, 99);
    const { t } = countingTeacher();
    const common = {
      runtime,
      teacher: t,
      validation: { x: val.x, y: val.y },
      alpha: linear({ from: 0.8, to: 0.2 }),
      temperature: 2,
      epochs: 3,
    };
    const a = denseStudent(4, 8, 1, 21);
    const b = denseStudent(4, 8, 1, 21);
    const optA = tf.train.adam(0.02);
    const optB = tf.train.adam(0.02);
    const mem = await distill({
      ...common,
      student: a,
      optimizer: optA,
      data: { x: data.x, y: data.y, sampleWeight: weights },
      batchSize: 25,
      shuffle: false,
    });
    const str = await distill({
      ...common,
      student: b,
      optimizer: optB,
      data: sliceStream(data.x, data.y, 25, weights),
    });
    expect(str.history).toHaveLength(3);
    str.history.forEach((h, i) => {
      const m = mem.history[i]!;
      for (const k of ['loss', 'hardLoss', 'softLoss', 'alpha', 'temperature'] as const)
        expect(Math.abs(h[k] - m[k])).toBeLessThan(1e-6);
      for (const [k, v] of Object.entries(m.val)) expect(Math.abs(h.val[k]! - v)).toBeLessThan(1e-6);
    });
    // Training moved the weights, identically on both paths.
    const initial = denseStudent(4, 8, 1, 21);
    expect(weightsOf(a)).not.toEqual(weightsOf(initial));
    initial.dispose();
    const wa = weightsOf(a);
    weightsOf(b).forEach((w, i) => w.forEach((v, j) => expect(Math.abs(v - wa[i]![j]!)).toBeLessThan(1e-6)));
    tf.dispose([weights, val.x, val.y]);
    optA.dispose();
    optB.dispose();
    a.dispose();
    b.dispose();
  });

  it('logs the row-weighted mean of α·BCE(y,s) + (1−α)·BCE(t,s) over uneven batches (float64 reference, frozen student)', async () => {
    const model = denseStudent(4, 0, 1, 3);
    const alpha = 0.3;
    const { t } = countingTeacher();
    // Batches of 50, 50 and 20 rows: a plain mean of batch means would weigh the last 20 rows 2.5 times.
    const r = await distill({
      runtime,
      teacher: t,
      student: model,
      data: arrayStream(data.xs, data.ys, 50),
      alpha,
      epochs: 1,
      optimizer: tf.train.sgd(0),
    });
    const [kernel, bias] = weightsOf(model);
    let hard = 0;
    let soft = 0;
    data.xs.forEach((row, i) => {
      const s = sigmoid64(row.reduce((acc, v, j) => acc + v * kernel![j]!, 0) + bias![0]!);
      hard += bce64(data.ys[i]!, s);
      soft += bce64(sigmoid64(teacherLogit(row)), s);
    });
    hard /= data.xs.length;
    soft /= data.xs.length;
    const log = r.history[0]!;
    expect(Math.abs(log.hardLoss - hard)).toBeLessThan(1e-5);
    expect(Math.abs(log.softLoss - soft)).toBeLessThan(1e-5);
    expect(Math.abs(log.loss - (alpha * hard + (1 - alpha) * soft))).toBeLessThan(1e-5);
    model.dispose();
  });

  it('trains a multi-class student from Float32Array features and plain labels like the same data in memory', async () => {
    const labels = data.ys.map((v, i) => (v === 1 ? 2 : i % 2));
    const t3 = teacher(
      (x) =>
        tf.concat(
          [
            tf.zerosLike(tf.slice(x, [0, 0], [-1, 1])),
            tf.slice(x, [0, 1], [-1, 1]),
            tf.mul(tf.slice(x, [0, 0], [-1, 1]), 3),
          ],
          1,
        ),
      { output: 'logits', id: 'stream-t3' },
    );
    const y = tf.tensor1d(labels, 'int32');
    const a = denseStudent(4, 8, 3, 1);
    const b = denseStudent(4, 8, 3, 1);
    const mem = await distill({
      runtime,
      teacher: t3,
      student: a,
      data: { x: data.x, y },
      batchSize: 32,
      shuffle: false,
      temperature: 2,
      epochs: 3,
      optimizer: tf.train.sgd(0.3),
    });
    const str = await distill({
      runtime,
      teacher: t3,
      student: b,
      data: arrayStream(data.xs, labels, 32),
      temperature: 2,
      epochs: 3,
      optimizer: tf.train.sgd(0.3),
    });
    str.history.forEach((h, i) => expect(Math.abs(h.loss - mem.history[i]!.loss)).toBeLessThan(1e-6));
    expect(str.history[2]!.loss).toBeLessThan(str.history[0]!.loss);
    y.dispose();
    a.dispose();
    b.dispose();
  });

  it('trainFromScratch streams too, with no soft part', async () => {
    const a = denseStudent(4, 8, 1, 9);
    const b = denseStudent(4, 8, 1, 9);
    const mem = await trainFromScratch({
      runtime,
      student: a,
      data: { x: data.x, y: data.y },
      batchSize: 16,
      shuffle: false,
      epochs: 2,
      optimizer: tf.train.sgd(0.2),
    });
    const str = await trainFromScratch({
      runtime,
      student: b,
      data: sliceStream(data.x, data.y, 16),
      epochs: 2,
      optimizer: tf.train.sgd(0.2),
    });
    expect(str.history.every((h) => h.softLoss === 0)).toBe(true);
    str.history.forEach((h, i) => expect(Math.abs(h.loss - mem.history[i]!.loss)).toBeLessThan(1e-6));
    a.dispose();
    b.dispose();
  });

  it('runs the teacher once per batch in all, before training, and reads its outputs back from runtime.cache every epoch', async () => {
    const stored = new MemoryTeacherCache();
    let sets = 0;
    let gets = 0;
    const cache = {
      get: (k: string) => (gets++, stored.get(k)),
      set: (k: string, v: CachedTeacherOutputs) => (sets++, stored.set(k, v)),
      delete: (k: string) => stored.delete(k),
      clear: () => stored.clear(),
    };
    const counted: KdRuntime = { ...runtime, cache };
    const { t, calls } = countingTeacher();
    const seen: Array<{ calls: number; gets: number }> = [];
    const steps: number[] = [];
    const m = denseStudent(4, 4, 1, 2);
    const r = await distill({
      runtime: counted,
      teacher: t,
      student: m,
      data: sliceStream(data.x, data.y, 24),
      epochs: 4,
      callbacks: {
        onTrainBegin: (log) => {
          seen.push({ calls: calls(), gets });
          steps.push(log.totalSteps, log.trainRows, log.batchSize);
        },
        onBatchEnd: (log) => void steps.push(log.batchesPerEpoch),
      },
    });
    expect(r.history).toHaveLength(4);
    // 120 rows in batches of 24: five batches; the teacher ran for each once, all before training.
    expect(seen[0]!.calls).toBe(5);
    expect(calls()).toBe(5);
    expect(sets).toBe(5);
    // One lookup per batch in the pass before training and one per batch in each epoch.
    expect(gets - seen[0]!.gets).toBe(5 * 4);
    expect(steps.slice(0, 3)).toEqual([20, 120, 24]);
    expect(new Set(steps.slice(3))).toEqual(new Set([5]));

    // A second run finds every batch in the cache: the teacher does not run again.
    await distill({ runtime: counted, teacher: t, student: m, data: sliceStream(data.x, data.y, 24), epochs: 1 });
    expect(calls()).toBe(5);
    m.dispose();
  });

  it('asks the teacher again, and checks the batch first, when a later pass yields batches it has not seen', async () => {
    const { t, calls } = countingTeacher();
    // Every pass rotates the rows by 10, so each pass (and the pass before training) has new batches.
    let pass = 0;
    const rotating = streamingData(
      function* () {
        const shift = 10 * pass++;
        const xs = [...data.xs.slice(shift), ...data.xs.slice(0, shift)];
        const ys = [...data.ys.slice(shift), ...data.ys.slice(0, shift)];
        for (let s = 0; s < xs.length; s += 40)
          yield { x: Float32Array.from(xs.slice(s, s + 40).flat()), y: ys.slice(s, s + 40) };
      },
      { featureShape: [4] },
    );
    const m = denseStudent(4, 0, 1, 5);
    const r = await distill({ runtime, teacher: t, student: m, data: rotating, epochs: 2 });
    expect(r.history).toHaveLength(2);
    expect(calls()).toBe(3 * 3);

    // A source whose later pass brings a bad label: caught when that batch arrives, with the same code.
    const { t: t2 } = countingTeacher();
    const changing = arrayStream(data.xs, data.ys, 40, (batch, i, p) =>
      p === 2 && i === 1
        ? {
            x: (batch.x as Float32Array).map((v) => v + 1),
            y: Array.from(batch.y as number[], (v, j) => (j === 3 ? 7 : v)),
          }
        : batch,
    );
    const epochsDone: number[] = [];
    const err = await distill({
      runtime,
      teacher: t2,
      student: m,
      data: changing,
      epochs: 3,
      callbacks: { onEpochEnd: (log) => void epochsDone.push(log.epoch) },
    }).catch((e: unknown) => e);
    expect(isKdError(err, 'KD_LABEL_RANGE'), String(err)).toBe(true);
    expect((err as Error).message).toContain('data batch 1.y[3]');
    expect(epochsDone).toEqual([0]);
    m.dispose();
  });

  it('keeps the tensor count flat across epochs, frees everything at the end, and never reads synchronously', async () => {
    const engine = tf.engine();
    const readSync = engine.readSync.bind(engine);
    const before = tf.memory().numTensors;
    const counts: number[] = [];
    const batchCounts: number[] = [];
    const val = toyBinary(30, 4, 5);
    const m = denseStudent(4, 8, 1, 6);
    const created = tf.memory().numTensors;
    const optimizer = tf.train.adam(0.01);
    engine.readSync = () => {
      throw new Error('synchronous read during training');
    };
    try {
      const { t } = countingTeacher();
      const r = await distill({
        runtime,
        teacher: t,
        student: m,
        data: sliceStream(data.x, data.y, 16),
        validation: { x: val.x, y: val.y },
        temperature: 3,
        epochs: 4,
        optimizer,
        earlyStopping: { monitor: 'val_auc', patience: 10 },
        callbacks: {
          onBatchEnd: (log) => void (log.batch === 3 && batchCounts.push(tf.memory().numTensors)),
          onEpochEnd: () => void counts.push(tf.memory().numTensors),
        },
      });
      expect(r.history).toHaveLength(4);
    } finally {
      engine.readSync = readSync;
    }
    // Epoch 0 sets things up once (early stopping's copy of the best weights among them); after it nothing grows.
    expect(new Set(counts.slice(1)).size).toBe(1);
    expect(new Set(batchCounts.slice(1)).size).toBe(1);
    optimizer.dispose();
    expect(tf.memory().numTensors).toBe(created);
    m.dispose();
    tf.dispose([val.x, val.y]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('stops at a batch boundary when aborted, closing the stream and freeing its batches', async () => {
    const controller = new AbortController();
    let started = 0;
    let open = 0;
    const stream = streamingData(
      async function* () {
        started++;
        open++;
        try {
          for (let s = 0; s < 120; s += 20) yield { x: tf.slice(data.x, s, 20), y: tf.slice(data.y, s, 20) };
        } finally {
          open--;
        }
      },
      { featureShape: [4] },
    );
    const m = denseStudent(4, 0, 1, 8);
    const optimizer = tf.train.sgd(0.1);
    const before = tf.memory().numTensors;
    // Six batches per epoch: step 8 is the third batch of epoch 1.
    const r = await distill({
      runtime,
      teacher: countingTeacher().t,
      student: m,
      data: stream,
      epochs: 5,
      optimizer,
      callbacks: { onBatchEnd: (log) => void (log.step === 8 && controller.abort()) },
      signal: controller.signal,
    });
    expect(r.aborted).toBe(true);
    expect(r.history).toHaveLength(1);
    // The pass before training, epoch 0 and the aborted epoch 1: all closed.
    expect(started).toBe(3);
    expect(open).toBe(0);
    expect(tf.memory().numTensors).toBe(before);
    optimizer.dispose();
    m.dispose();
  });
});

describe('distill on a stream validates before training', () => {
  async function expectCode(
    code: string,
    options: Partial<DistillOptions<TrainingData>>,
    message?: string,
  ): Promise<void> {
    const m = denseStudent(4, 0, 1, 11);
    const before = weightsOf(m);
    const tensors = tf.memory().numTensors;
    let began = false;
    const { t } = countingTeacher();
    const err = await distill({
      runtime,
      teacher: t,
      student: m,
      data: arrayStream(data.xs, data.ys, 30),
      epochs: 1,
      callbacks: { onTrainBegin: () => void (began = true) },
      ...options,
    }).catch((e: unknown) => e);
    expect(isKdError(err, code as never), `expected ${code}, got ${String(err)}`).toBe(true);
    if (message) expect((err as Error).message).toContain(message);
    expect(began).toBe(false);
    expect(weightsOf(m)).toEqual(before);
    expect(tf.memory().numTensors).toBe(tensors);
    m.dispose();
  }
  const lastBatch = (edit: (b: StreamBatch) => StreamBatch) =>
    arrayStream(data.xs, data.ys, 30, (b, i) => (i === 3 ? edit(b) : b));

  it('rejects a bad label in the last batch', () =>
    expectCode(
      'KD_LABEL_RANGE',
      { data: lastBatch((b) => ({ ...b, y: Array.from(b.y as number[], (v, j) => (j === 29 ? 2 : v)) })) },
      'data batch 3.y[29] is 2',
    ));
  it('rejects a non-finite feature in the last batch', () =>
    expectCode('KD_NON_FINITE', {
      data: lastBatch((b) => ({ ...b, x: (b.x as Float32Array).map((v, j) => (j === 5 ? Number.NaN : v)) })),
    }));
  it('rejects a negative sample weight in the last batch', () =>
    expectCode('KD_DATA_INVALID', {
      data: lastBatch((b) => ({ ...b, sampleWeight: Array.from({ length: 30 }, (_, j) => (j === 0 ? -1 : 1)) })),
    }));
  it('rejects a batch whose features do not fit featureShape, or whose labels do not match its rows', async () => {
    await expectCode('KD_SHAPE_MISMATCH', {
      data: lastBatch((b) => ({ ...b, x: (b.x as Float32Array).subarray(0, 30 * 4 - 2) })),
    });
    await expectCode('KD_SHAPE_MISMATCH', { data: lastBatch((b) => ({ ...b, y: (b.y as number[]).slice(1) })) });
    await expectCode('KD_SHAPE_MISMATCH', {
      data: lastBatch((b) => ({ ...b, x: tf.tensor2d(b.x as Float32Array, [20, 6]) })),
    });
  });
  it('rejects a precomputed teacher (or an ensemble with one), which cannot follow streamed batches', async () => {
    const pre = precomputedTeacher(new Float32Array(data.xs.length), { output: 'logits', shape: [data.xs.length, 1] });
    await expectCode('KD_TEACHER_INVALID', { teacher: pre }, 'row position');
    await expectCode('KD_TEACHER_INVALID', { teacher: ensemble([countingTeacher().t, pre]) }, 'row position');
  });
  it('rejects α outside [0, 1] at a step the stream count sets', () =>
    expectCode('KD_ALPHA_RANGE', { alpha: linear({ from: 0.5, to: 1.5 }) }));
  it('rejects options that have no meaning for a stream rather than ignoring them', async () => {
    await expectCode('KD_INVALID_ARGUMENT', { batchSize: 8 }, 'batchSize');
    await expectCode('KD_INVALID_ARGUMENT', { shuffle: true }, 'shuffle');
    await expectCode('KD_INVALID_ARGUMENT', { validation: { split: 0.2 } }, 'split');
  });
  it('rejects a bad featureShape, an empty stream, and a stream that cannot start a pass', async () => {
    await expectCode('KD_INVALID_ARGUMENT', { data: { batches: () => [], featureShape: [0] } });
    await expectCode('KD_DATA_INVALID', { data: streamingData(() => [], { featureShape: [4] }) }, 'no batches');
    await expectCode('KD_DATA_INVALID', { data: { batches: () => 42 as never, featureShape: [4] } });
    expect(() => streamingData([] as never, { featureShape: [4] })).toThrow(/function/);
  });
  it('rejects a stream whose later pass yields a different number of batches', async () => {
    let pass = 0;
    const shrinking = streamingData(
      function* () {
        const batches = pass++ === 0 ? 4 : 3;
        for (let i = 0; i < batches; i++)
          yield {
            x: Float32Array.from(data.xs.slice(i * 30, i * 30 + 30).flat()),
            y: data.ys.slice(i * 30, i * 30 + 30),
          };
      },
      { featureShape: [4] },
    );
    const m = denseStudent(4, 0, 1, 12);
    const err = await distill({ runtime, teacher: countingTeacher().t, student: m, data: shrinking, epochs: 2 }).catch(
      (e: unknown) => e,
    );
    expect(isKdError(err, 'KD_DATA_INVALID'), String(err)).toBe(true);
    expect((err as Error).message).toContain('same number of batches');
    m.dispose();
  });
});
