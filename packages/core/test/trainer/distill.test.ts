import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpuRuntime } from '../../src/cpu.js';
import {
  customStudent,
  distill,
  isKdError,
  layersStudent,
  linear,
  precomputedTeacher,
  teacher,
  trainFromScratch,
  type KdRuntime,
} from '../../src/index.js';
import { bce64, denseStudent, sigmoid64, toyBinary } from '../helpers/fixtures.js';

let runtime: KdRuntime;
const data = toyBinary(120);
// The teacher: a fixed linear scorer, as logits.
const teacherFn = teacher((x) => tf.matMul(x, tf.tensor2d([[2], [-1], [2], [-1]])), {
  output: 'logits',
  id: 'linear-teacher',
});
const teacherLogit = (row: number[]) => 2 * row[0]! - row[1]! + 2 * row[2]! - row[3]!;

beforeAll(async () => {
  runtime = cpuRuntime();
  await runtime.init();
});
afterAll(() => tf.dispose([data.x, data.y]));

describe('distill', () => {
  it('averages α·BCE(y,s) + (1−α)·BCE(t,s) over the epoch exactly (checked in float64 with a frozen student)', async () => {
    const model = denseStudent(4, 0, 1, 3);
    const alpha = 0.3;
    const r = await distill({
      runtime,
      teacher: teacherFn,
      student: model,
      data: { x: data.x, y: data.y },
      alpha,
      epochs: 1,
      batchSize: 32,
      optimizer: tf.train.sgd(0),
    });
    const [kernel, bias] = model.getWeights().map((w) => Array.from(w.dataSync()));
    let hard = 0;
    let soft = 0;
    data.xs.forEach((row, i) => {
      const s = sigmoid64(row.reduce((a, v, j) => a + v * kernel![j]!, 0) + bias![0]!);
      hard += bce64(data.ys[i]!, s);
      soft += bce64(sigmoid64(teacherLogit(row)), s);
    });
    hard /= data.xs.length;
    soft /= data.xs.length;
    const log = r.history[0]!;
    expect(log.hardLoss).toBeCloseTo(hard, 5);
    expect(log.softLoss).toBeCloseTo(soft, 5);
    expect(log.loss).toBeCloseTo(alpha * hard + (1 - alpha) * soft, 5);
  });

  it('learns, logs validation metrics, and keeps the tensor count flat across epochs', async () => {
    const model = denseStudent(4, 8, 1, 1);
    const before = tf.memory().numTensors;
    const optimizer = tf.train.adam(0.05);
    const counts: number[] = [];
    const r = await distill({
      runtime,
      teacher: teacherFn,
      student: model,
      data: { x: data.x, y: data.y },
      validation: { split: 0.25 },
      epochs: 6,
      batchSize: 16,
      optimizer,
      callbacks: { onEpochEnd: () => void counts.push(tf.memory().numTensors) },
    });
    expect(r.history).toHaveLength(6);
    expect(r.history.at(-1)!.loss).toBeLessThan(r.history[0]!.loss);
    expect(Object.keys(r.history[0]!.val).sort()).toEqual(
      ['val_accuracy', 'val_auc', 'val_brier', 'val_ece', 'val_logLoss', 'val_loss'].sort(),
    );
    expect(r.history.at(-1)!.val.val_accuracy).toBeGreaterThan(0.7);
    expect(new Set(counts).size).toBe(1);
    // Every prepared tensor was freed; only the optimizer's own state (the caller's) remains until disposed.
    optimizer.dispose();
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('gives a precomputed teacher with validation: { split } the outputs of the training rows only', async () => {
    // One output per row of `data`, the held-out rows included, as the teacher cache or another
    // process hands them over; the split holds out the last 30 of the 120 rows.
    const logits = Float32Array.from(data.xs, teacherLogit);
    const nTrain = 90;
    const before = tf.memory().numTensors;
    const run = async (options: Pick<Parameters<typeof distill>[0], 'teacher' | 'data' | 'validation'>, lr = 0.1) => {
      const model = denseStudent(4, 0, 1, 3);
      const optimizer = tf.train.sgd(lr);
      const r = await distill({ runtime, student: model, epochs: 2, batchSize: 16, seed: 4, optimizer, ...options });
      const weights = model.getWeights().map((w) => Array.from(w.dataSync()));
      optimizer.dispose();
      model.dispose();
      return { history: r.history.map(({ durationMs: _, ...log }) => log), weights };
    };
    const precomputed = precomputedTeacher(logits, { output: 'logits', shape: [120, 1] });
    const split = { teacher: precomputed, data: { x: data.x, y: data.y }, validation: { split: 0.25 } };

    // A frozen student: the soft loss is the mean over the first 90 rows alone, in float64.
    const initial = denseStudent(4, 0, 1, 3);
    const [kernel, bias] = initial.getWeights().map((w) => Array.from(w.dataSync()));
    initial.dispose();
    let soft = 0;
    for (let i = 0; i < nTrain; i++) {
      const s = sigmoid64(data.xs[i]!.reduce((a, v, j) => a + v * kernel![j]!, 0) + bias![0]!);
      soft += bce64(sigmoid64(teacherLogit(data.xs[i]!)), s);
    }
    const frozen = await run(split, 0);
    expect(frozen.history[0]!.softLoss).toBeCloseTo(soft / nTrain, 5);
    expect(Object.keys(frozen.history[0]!.val)).toContain('val_loss');

    // Training: the same run as the rows split by hand, with the teacher's outputs for the first 90.
    const [xTrain, xVal] = tf.split(data.x, [nTrain, 120 - nTrain]);
    const [yTrain, yVal] = tf.split(data.y, [nTrain, 120 - nTrain]);
    const byHand = await run({
      teacher: precomputedTeacher(logits.slice(0, nTrain), { output: 'logits', shape: [nTrain, 1] }),
      data: { x: xTrain!, y: yTrain! },
      validation: { x: xVal!, y: yVal! },
    });
    expect(await run(split)).toEqual(byHand);
    tf.dispose([xTrain!, xVal!, yTrain!, yVal!]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('is reproducible from a seed and differs with another seed', async () => {
    const run = async (seed: number) => {
      const m = denseStudent(4, 8, 1, 5);
      const r = await distill({
        runtime,
        teacher: teacherFn,
        student: m,
        data: { x: data.x, y: data.y },
        epochs: 2,
        batchSize: 10,
        seed,
        optimizer: tf.train.sgd(0.1),
      });
      m.dispose();
      return r.history.map((h) => h.loss);
    };
    const a = await run(1);
    expect(await run(1)).toEqual(a);
    expect(await run(2)).not.toEqual(a);
  });

  it('trainFromScratch is distill with α = 1 and no soft part', async () => {
    const a = denseStudent(4, 8, 1, 9);
    const b = denseStudent(4, 8, 1, 9);
    const s = await trainFromScratch({
      runtime,
      student: a,
      data: { x: data.x, y: data.y },
      epochs: 2,
      batchSize: 16,
      optimizer: tf.train.sgd(0.2),
    });
    const d = await distill({
      runtime,
      teacher: teacherFn,
      student: b,
      data: { x: data.x, y: data.y },
      alpha: 1,
      epochs: 2,
      batchSize: 16,
      optimizer: tf.train.sgd(0.2),
    });
    expect(s.history.every((h) => h.softLoss === 0)).toBe(true);
    s.history.forEach((h, i) => expect(h.loss).toBeCloseTo(d.history[i]!.hardLoss, 6));
    tf.dispose([a, b].flatMap((m) => m.getWeights()));
  });

  it('follows an α schedule step by step', async () => {
    const seen: number[] = [];
    const m = denseStudent(4, 0, 1, 2);
    const r = await distill({
      runtime,
      teacher: teacherFn,
      student: m,
      data: { x: data.x, y: data.y },
      alpha: linear({ from: 1, to: 0 }),
      epochs: 2,
      batchSize: 40,
      callbacks: { onBatchEnd: (b) => void seen.push(b.alpha) },
    });
    // 3 steps per epoch, 6 in all: linear from 1 to 0 over steps 0..5.
    expect(seen.map((v) => +v.toFixed(6))).toEqual([1, 0.8, 0.6, 0.4, 0.2, 0].map((v) => +v.toFixed(6)));
    expect(r.history.map((h) => h.alpha)).toEqual([seen[2], seen[5]]);
    m.dispose();
  });

  it('restores the best weights when early stopping', async () => {
    const m = denseStudent(4, 0, 1, 4);
    const snapshots: number[][] = [];
    const r = await distill({
      runtime,
      teacher: teacherFn,
      student: m,
      data: { x: data.x, y: data.y },
      epochs: 8,
      batchSize: 16,
      optimizer: tf.train.sgd(0.5),
      // Loss falls every epoch, so in 'max' mode epoch 0 stays the best and patience 1 stops after epoch 2.
      earlyStopping: { monitor: 'loss', mode: 'max', patience: 1 },
      callbacks: { onEpochEnd: () => void snapshots.push(Array.from(m.getWeights()[0]!.dataSync())) },
    });
    expect(r.history).toHaveLength(3);
    expect(r.stoppedEarly).toBe(true);
    expect(r.bestEpoch).toBe(0);
    expect(Array.from(m.getWeights()[0]!.dataSync())).toEqual(snapshots[0]);
    m.dispose();
  });

  it('reads the training features from the device once: the NaN check and the teacher-cache key share the read', async () => {
    const x = tf.tensor2d(data.xs);
    const read = x.data.bind(x);
    let reads = 0;
    x.data = (async () => {
      reads++;
      return read();
    }) as typeof x.data;
    const m = denseStudent(4, 0, 1, 12);
    const r = await distill({
      runtime,
      teacher: teacher((b) => tf.sum(b, 1, true), { output: 'logits', id: 'sum-once' }),
      student: m,
      data: { x, y: data.y },
      epochs: 1,
    });
    expect(r.history).toHaveLength(1);
    expect(reads).toBe(1);
    m.dispose();
    x.dispose();
  });

  it('never reads tensor data synchronously while training', async () => {
    // Tensor.dataSync/arraySync go through the engine's readSync; cpu kernels read their inputs through
    // the backend directly, so patching the engine catches exactly the synchronous reads kd's code makes.
    const engine = tf.engine();
    const readSync = engine.readSync.bind(engine);
    engine.readSync = () => {
      throw new Error('synchronous read during training');
    };
    try {
      const m = denseStudent(4, 4, 1, 6);
      const r = await distill({
        runtime,
        teacher: teacherFn,
        student: m,
        data: { x: data.x, y: data.y },
        validation: { split: 0.2 },
        epochs: 2,
        batchSize: 16,
        earlyStopping: { monitor: 'val_auc', patience: 5 },
      });
      expect(r.history).toHaveLength(2);
      m.dispose();
    } finally {
      engine.readSync = readSync;
    }
  });

  it('trains a custom student and a multi-class softmax student', async () => {
    const w = tf.variable(tf.zeros([4, 1]), true, 'w_custom');
    const b = tf.variable(tf.zeros([1]), true, 'b_custom');
    const student = customStudent({
      name: 'logistic',
      output: 'logits',
      variables: { w, b },
      forward: (x) => tf.add(tf.matMul(x, w), b),
    });
    const r = await distill({
      runtime,
      teacher: teacherFn,
      student,
      data: { x: data.x, y: data.y },
      epochs: 3,
      batchSize: 16,
      optimizer: tf.train.sgd(0.5),
    });
    expect(r.history[2]!.loss).toBeLessThan(r.history[0]!.loss);
    student.dispose();

    const labels = tf.tensor1d(
      data.ys.map((v, i) => (v === 1 ? 2 : i % 2)),
      'int32',
    );
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
      { output: 'logits', id: 't3' },
    );
    const m = denseStudent(4, 8, 3, 1);
    const r3 = await distill({
      runtime,
      teacher: t3,
      student: m,
      data: { x: data.x, y: labels },
      temperature: 2,
      validation: { split: 0.2 },
      epochs: 3,
      batchSize: 16,
      optimizer: tf.train.adam(0.05),
    });
    expect(r3.history[2]!.loss).toBeLessThan(r3.history[0]!.loss);
    expect(Object.keys(r3.history[0]!.val).sort()).toEqual(['val_accuracy', 'val_logLoss', 'val_loss']);
    labels.dispose();
    m.dispose();
  });
});

describe('distill validates before training', () => {
  async function expectCode(code: string, options: Partial<Parameters<typeof distill>[0]>): Promise<void> {
    const m = denseStudent(4, 0, 1, 11);
    const before = Array.from(m.getWeights()[0]!.dataSync());
    let began = false;
    const err = await distill({
      runtime,
      teacher: teacherFn,
      student: m,
      data: { x: data.x, y: data.y },
      epochs: 1,
      callbacks: { onTrainBegin: () => void (began = true) },
      ...options,
    }).catch((e: unknown) => e);
    expect(isKdError(err, code as never), `expected ${code}, got ${String(err)}`).toBe(true);
    expect(began).toBe(false);
    expect(Array.from(m.getWeights()[0]!.dataSync())).toEqual(before);
    m.dispose();
  }

  it('rejects α outside [0, 1], also from a schedule', async () => {
    await expectCode('KD_ALPHA_RANGE', { alpha: 1.5 });
    await expectCode('KD_ALPHA_RANGE', { alpha: linear({ from: 0.5, to: 1.2 }) });
  });
  it('rejects T ≤ 0', () => expectCode('KD_TEMPERATURE_RANGE', { temperature: 0 }));
  it('rejects labels outside {0, 1}', async () => {
    const y = tf.tensor1d(data.ys.map((v, i) => (i === 7 ? 2 : v)));
    await expectCode('KD_LABEL_RANGE', { data: { x: data.x, y } });
    y.dispose();
  });
  it('rejects row-count mismatches', async () => {
    const y = tf.tensor1d(data.ys.slice(1));
    await expectCode('KD_SHAPE_MISMATCH', { data: { x: data.x, y } });
    y.dispose();
  });
  it('rejects NaN features', async () => {
    const x = tf.tensor2d(data.xs.map((r, i) => (i === 3 ? [r[0]!, Number.NaN, r[2]!, r[3]!] : r)));
    await expectCode('KD_NON_FINITE', { data: { x, y: data.y } });
    x.dispose();
  });
  it('rejects a teacher declared as probabilities that returns values outside [0, 1]', () =>
    expectCode('KD_PROBABILITY_RANGE', {
      teacher: teacher((x) => tf.sum(x, 1, true), { output: 'probabilities', id: 'bad-probs' }),
    }));
  it('rejects a teacher whose output units differ from the student', () =>
    expectCode('KD_SHAPE_MISMATCH', { teacher: teacher((x) => x, { output: 'logits', id: 'four-units' }) }));
  it('rejects an optimizer together with a learning rate, and a bad learning rate', async () => {
    await expectCode('KD_INVALID_ARGUMENT', { optimizer: tf.train.sgd(0.1), learningRate: 0.1 });
    await expectCode('KD_INVALID_ARGUMENT', { learningRate: -1 });
  });
  it('rejects an unknown early-stopping monitor', () =>
    expectCode('KD_INVALID_ARGUMENT', { earlyStopping: { monitor: 'val_auc' } }));
  it("checks the kernels a layers student's layers need with the runtime's hasKernel", async () => {
    const conv = tfl.sequential({
      layers: [
        tfl.layers.reshape({ inputShape: [4], targetShape: [2, 2, 1] }),
        tfl.layers.conv2d({
          filters: 2,
          kernelSize: 2,
          kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }),
        }),
        tfl.layers.flatten(),
        tfl.layers.dense({ units: 1, kernelInitializer: tfl.initializers.glorotUniform({ seed: 2 }) }),
      ],
    });
    expect(layersStudent(conv).requiredKernels!()).toEqual([
      'Conv2D',
      'Conv2DBackpropInput',
      'Conv2DBackpropFilter',
      'BatchMatMul',
    ]);
    // A runtime like stock wasm: everything but the conv filter gradient.
    const lacking: KdRuntime = {
      ...runtime,
      name: 'lacking',
      init: () => runtime.init(),
      hasKernel: (k) => k !== 'Conv2DBackpropFilter' && runtime.hasKernel(k),
    };
    const before = Array.from(conv.getWeights()[0]!.dataSync());
    const err = await distill({
      runtime: lacking,
      teacher: teacherFn,
      student: conv,
      data: { x: data.x, y: data.y },
    }).catch((e: unknown) => e);
    expect(isKdError(err, 'KD_KERNEL_MISSING')).toBe(true);
    expect((err as Error).message).toMatch(/Runtime "lacking" has no Conv2DBackpropFilter kernel/);
    expect(Array.from(conv.getWeights()[0]!.dataSync())).toEqual(before);
    conv.dispose();
  });
  it('reports a kernel the runtime lacks before the first step', async () => {
    const w = tf.variable(tf.zeros([4, 1]), true, 'w_missing');
    const student = customStudent({
      name: 'needs-missing-kernel',
      output: 'logits',
      variables: { w },
      forward: (x, { training }) =>
        training ? (tf.engine().runKernel('KdNoSuchKernel', { x: tf.matMul(x, w) }) as tf.Tensor) : tf.matMul(x, w),
    });
    const err = await distill({ runtime, teacher: teacherFn, student, data: { x: data.x, y: data.y } }).catch(
      (e: unknown) => e,
    );
    expect(isKdError(err, 'KD_KERNEL_MISSING')).toBe(true);
    expect((err as Error).message).toContain('KdNoSuchKernel');
    w.dispose();
  });
});
