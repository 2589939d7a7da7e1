import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpuRuntime } from '../../src/cpu.js';
import {
  consoleProgress,
  distill,
  isKdError,
  memoryCheckpointStore,
  mixup,
  precomputedTeacher,
  teacher,
  trainFromScratch,
  type DistillOptions,
  type KdRuntime,
  type KdWarning,
  type Teacher,
  type TrainingData,
} from '../../src/index.js';
import { bce64, denseStudent, sigmoid64, toyBinary } from '../helpers/fixtures.js';

let runtime: KdRuntime;
const data = toyBinary(60);
const extra = toyBinary(30, 4, 99);
const W = [2, -1, 2, -1];
const teacherLogit = (row: number[]) => row.reduce((a, v, j) => a + v * W[j]!, 0);
let teacherId = 0;

/** A logits teacher x·W that counts the rows it is asked about; a fresh id so no earlier entry applies. */
function countingTeacher(scale = 1): { t: Teacher; rows: number[] } {
  const rows: number[] = [];
  const t = teacher(
    (x) => {
      rows.push(x.shape[0]!);
      return tf.mul(tf.matMul(x, tf.tensor2d(W, [4, 1])), scale);
    },
    { output: 'logits', id: `unlabeled-teacher-${++teacherId}` },
  );
  return { t, rows };
}

beforeAll(async () => {
  runtime = cpuRuntime();
  await runtime.init();
});
afterAll(() => tf.dispose([data.x, data.y, extra.x, extra.y]));

/** A linear logits student's outputs in float64, from its (frozen) weights. */
function studentLogits(model: { getWeights(): tf.Tensor[] }, rows: number[][]): number[] {
  const [kernel, bias] = model.getWeights().map((w) => Array.from(w.dataSync()));
  return rows.map((r) => r.reduce((a, v, j) => a + v * kernel![j]!, 0) + bias![0]!);
}

const softBce = (tLogit: number, s: number, T: number) => T * T * bce64(sigmoid64(tLogit / T), sigmoid64(s / T));
const sum = (v: number[]) => v.reduce((a, b) => a + b, 0);

describe('distill with unlabeled rows (in memory)', () => {
  it.each([1, 2])(
    'logs the hard loss over the labelled rows and the soft loss over every row, T = %s (float64, frozen student)',
    async (T) => {
      const model = denseStudent(4, 0, 1, 3);
      const alpha = 0.3;
      const r = await distill({
        runtime,
        teacher: countingTeacher().t,
        student: model,
        data: { x: data.x, y: data.y },
        unlabeled: { x: extra.x },
        alpha,
        temperature: T,
        epochs: 1,
        batchSize: 16,
        optimizer: tf.train.sgd(0),
      });
      const sL = studentLogits(model, data.xs);
      const sU = studentLogits(model, extra.xs);
      const hard = sum(sL.map((s, i) => bce64(data.ys[i]!, sigmoid64(s)))) / sL.length;
      const soft =
        (sum(sL.map((s, i) => softBce(teacherLogit(data.xs[i]!), s, T))) +
          sum(sU.map((s, i) => softBce(teacherLogit(extra.xs[i]!), s, T)))) /
        (sL.length + sU.length);
      const log = r.history[0]!;
      expect(log.hardLoss).toBeCloseTo(hard, 5);
      expect(log.softLoss).toBeCloseTo(soft, 5);
      model.dispose();
    },
  );

  it('one batch of every row: loss = α·(labelled-row mean) + (1 − α)·(all-row mean), with sample weights (unlabelled rows weigh 1)', async () => {
    const model = denseStudent(4, 0, 1, 4);
    const weights = data.ys.map((_, i) => 0.5 + (i % 4) * 0.5);
    const w = tf.tensor1d(weights);
    const alpha = 0.6;
    for (const T of [1, 2]) {
      const r = await distill({
        runtime,
        teacher: countingTeacher().t,
        student: model,
        data: { x: data.x, y: data.y, sampleWeight: w },
        unlabeled: { x: extra.x },
        alpha,
        temperature: T,
        epochs: 1,
        batchSize: 1000,
        optimizer: tf.train.sgd(0),
      });
      const sL = studentLogits(model, data.xs);
      const sU = studentLogits(model, extra.xs);
      const hard = sum(sL.map((s, i) => weights[i]! * bce64(data.ys[i]!, sigmoid64(s)))) / sum(weights);
      const soft =
        (sum(sL.map((s, i) => weights[i]! * softBce(teacherLogit(data.xs[i]!), s, T))) +
          sum(sU.map((s, i) => softBce(teacherLogit(extra.xs[i]!), s, T)))) /
        (sum(weights) + sU.length);
      const log = r.history[0]!;
      expect(log.hardLoss).toBeCloseTo(hard, 5);
      expect(log.softLoss).toBeCloseTo(soft, 5);
      expect(log.loss).toBeCloseTo(alpha * hard + (1 - alpha) * soft, 5);
    }
    w.dispose();
    model.dispose();
  });

  it('multi-class at T = 2: hard over the labelled rows, soft (T²·KL) over all rows (float64, frozen student)', async () => {
    const K = 3;
    // Teacher logits per class: x·Wₖ.
    const Wk = [
      [1, 0, -1, 0],
      [0, 2, 0, -1],
      [-1, -1, 1, 1],
    ];
    const logitsOf = (row: number[]) => Wk.map((w) => row.reduce((a, v, j) => a + v * w[j]!, 0));
    const t3 = teacher((x) => tf.matMul(x, tf.transpose(tf.tensor2d(Wk))), {
      output: 'logits',
      id: `unlabeled-three-class-${++teacherId}`,
    });
    const labels = data.ys.map((v, i) => (v === 1 ? 2 : i % 2));
    const y = tf.tensor1d(labels, 'int32');
    const model = denseStudent(4, 0, K, 18);
    const T = 2;
    const r = await distill({
      runtime,
      teacher: t3,
      student: model,
      data: { x: data.x, y },
      unlabeled: { x: extra.x },
      alpha: 0.4,
      temperature: T,
      epochs: 1,
      batchSize: 16,
      optimizer: tf.train.sgd(0),
    });
    const [kernel, bias] = model.getWeights().map((w) => Array.from(w.dataSync()));
    const studentOf = (row: number[]) =>
      Array.from({ length: K }, (_, k) => row.reduce((a, v, j) => a + v * kernel![j * K + k]!, 0) + bias![k]!);
    const logSoftmax = (z: number[]) => {
      const m = Math.max(...z);
      const lse = m + Math.log(sum(z.map((v) => Math.exp(v - m))));
      return z.map((v) => v - lse);
    };
    const softKl = (row: number[]) => {
      const logP = logSoftmax(logitsOf(row).map((v) => v / T));
      const logQ = logSoftmax(studentOf(row).map((v) => v / T));
      return T * T * sum(logP.map((lp, k) => Math.exp(lp) * (lp - logQ[k]!)));
    };
    const hard = sum(data.xs.map((row, i) => -logSoftmax(studentOf(row))[labels[i]!]!)) / data.xs.length;
    const soft = (sum(data.xs.map(softKl)) + sum(extra.xs.map(softKl))) / (data.xs.length + extra.xs.length);
    expect(r.history[0]!.hardLoss).toBeCloseTo(hard, 5);
    expect(r.history[0]!.softLoss).toBeCloseTo(soft, 5);
    expect(r.diagnostics!.softTargets.rows).toBe(60);
    y.dispose();
    model.dispose();
  });

  it('at α = 1, unlabelled rows change nothing: one full batch trains exactly like a run without them', async () => {
    const train = async (withExtra: boolean, T: number) => {
      const model = denseStudent(4, 0, 1, 5);
      const r = await distill({
        runtime,
        teacher: countingTeacher().t,
        student: model,
        data: { x: data.x, y: data.y },
        ...(withExtra ? { unlabeled: { x: extra.x } } : {}),
        alpha: 1,
        temperature: T,
        epochs: 4,
        batchSize: 1000,
        optimizer: tf.train.sgd(0.5),
      });
      const weights = model.getWeights().flatMap((x) => Array.from(x.dataSync()));
      model.dispose();
      return { weights, hard: r.history.map((h) => h.hardLoss) };
    };
    for (const T of [1, 2]) {
      const a = await train(false, T);
      const b = await train(true, T);
      b.weights.forEach((v, i) => expect(v).toBeCloseTo(a.weights[i]!, 6));
      b.hard.forEach((v, i) => expect(v).toBeCloseTo(a.hard[i]!, 6));
      // The weights moved: the comparison is not between two untouched students.
      expect(a.hard.at(-1)).toBeLessThan(a.hard[0]!);
    }
  });

  it('asks the teacher about the unlabelled rows once per run, and not at all on a second run (cache)', async () => {
    const { t, rows } = countingTeacher();
    const run = async () => {
      const model = denseStudent(4, 0, 1, 6);
      const r = await distill({
        runtime,
        teacher: t,
        student: model,
        data: { x: data.x, y: data.y },
        unlabeled: { x: extra.x },
        transfer: { method: 'noise', multiple: 2, seed: 3 },
        epochs: 3,
        batchSize: 16,
      });
      model.dispose();
      return r;
    };
    const first = await run();
    // The training rows, then the unlabelled and generated rows together, each once.
    expect(rows).toEqual([60, 30 + 2 * 60]);
    await run();
    expect(rows).toHaveLength(2);
    expect(first.history).toHaveLength(3);
  });

  it('is reproducible from the seeds; another transfer seed gives other rows', async () => {
    const t = countingTeacher().t;
    const run = async (transferSeed: number) => {
      const model = denseStudent(4, 0, 1, 7);
      const r = await distill({
        runtime,
        teacher: t,
        student: model,
        data: { x: data.x, y: data.y },
        transfer: { method: 'mixup', multiple: 2, alpha: 0.4, seed: transferSeed },
        temperature: 2,
        epochs: 2,
        batchSize: 20,
        seed: 4,
        optimizer: tf.train.sgd(0.2),
      });
      model.dispose();
      return r.history.map((h) => [h.loss, h.hardLoss, h.softLoss]);
    };
    const a = await run(1);
    expect(await run(1)).toEqual(a);
    expect(await run(2)).not.toEqual(a);
  });

  it('trains on the rows the generator makes: soft loss over the training and mixup rows (float64)', async () => {
    const model = denseStudent(4, 0, 1, 8);
    const r = await distill({
      runtime,
      teacher: countingTeacher().t,
      student: model,
      data: { x: data.x, y: data.y },
      transfer: { method: 'mixup', multiple: 1, seed: 9 },
      epochs: 1,
      batchSize: 32,
      optimizer: tf.train.sgd(0),
    });
    const generated = await mixup(data.x, { multiple: 1, seed: 9 });
    const gRows = (await generated.array()) as number[][];
    generated.dispose();
    const sL = studentLogits(model, data.xs);
    const sG = studentLogits(model, gRows);
    const soft =
      (sum(sL.map((s, i) => softBce(teacherLogit(data.xs[i]!), s, 1))) +
        sum(sG.map((s, i) => softBce(teacherLogit(gRows[i]!), s, 1)))) /
      (sL.length + sG.length);
    expect(r.history[0]!.softLoss).toBeCloseTo(soft, 5);
    model.dispose();
  });

  it('reports labelled and unlabelled rows at the start; transfer rows come from the training part of a split', async () => {
    const model = denseStudent(4, 0, 1, 9);
    let begin: { trainRows: number; unlabeledRows: number; validationRows: number; totalSteps: number } | undefined;
    await distill({
      runtime,
      teacher: countingTeacher().t,
      student: model,
      data: { x: data.x, y: data.y },
      validation: { split: 0.25 },
      unlabeled: { x: extra.x },
      transfer: { method: 'munge', multiple: 2, seed: 0 },
      epochs: 1,
      batchSize: 50,
      callbacks: { onTrainBegin: (log) => void (begin = log) },
    });
    expect(begin).toMatchObject({ trainRows: 45, unlabeledRows: 30 + 2 * 45, validationRows: 15 });
    expect(begin!.totalSteps).toBe(Math.ceil((45 + 30 + 90) / 50));
    model.dispose();
  });

  it('keeps the tensor count flat across epochs and frees everything it made', async () => {
    const model = denseStudent(4, 4, 1, 10);
    const before = tf.memory().numTensors;
    const counts: number[] = [];
    const optimizer = tf.train.adam(0.01);
    for (const T of [1, 2]) {
      await distill({
        runtime,
        teacher: countingTeacher().t,
        student: model,
        data: { x: data.x, y: data.y },
        unlabeled: { x: extra.x },
        transfer: { method: 'noise', multiple: 1 },
        validation: { split: 0.2 },
        temperature: T,
        epochs: 4,
        batchSize: 16,
        optimizer,
        callbacks: { onEpochEnd: () => void counts.push(tf.memory().numTensors) },
      });
      expect(new Set(counts.splice(0)).size).toBe(1);
    }
    optimizer.dispose();
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('resumes a run with unlabelled and generated rows mid-epoch exactly', async () => {
    const t = countingTeacher().t;
    const options = (store: ReturnType<typeof memoryCheckpointStore>, extraOptions = {}) =>
      ({
        runtime,
        teacher: t,
        student: denseStudent(4, 4, 1, 11),
        data: { x: data.x, y: data.y },
        unlabeled: { x: extra.x },
        transfer: { method: 'mixup', multiple: 1, seed: 2 },
        temperature: 2,
        epochs: 3,
        batchSize: 16,
        seed: 3,
        learningRate: 0.02,
        checkpoint: { store, everySteps: 4 },
        ...extraOptions,
      }) as DistillOptions<TrainingData>;
    const whole = await distill(options(memoryCheckpointStore()));
    const store = memoryCheckpointStore();
    const crash = new Error('crash');
    await expect(
      distill(
        options(store, {
          callbacks: {
            onBatchEnd: (log: { step: number }) => {
              if (log.step === 14) throw crash;
            },
          },
        }),
      ),
    ).rejects.toBe(crash);
    const resumed = await distill(options(store, { resume: true }));
    const weights = (s: { getWeights(): tf.Tensor[] }) => s.getWeights().map((w) => Array.from(w.dataSync()));
    expect(weights(resumed.student)).toEqual(weights(whole.student));
    // Other unlabelled rows make another run: the checkpoint does not fit it.
    const other = tf.tensor2d(extra.xs.slice(0, 20));
    const err = await distill(options(store, { resume: true, unlabeled: { x: other } })).catch((e: unknown) => e);
    expect(isKdError(err, 'KD_CHECKPOINT_MISMATCH')).toBe(true);
    other.dispose();
    whole.student.dispose();
    resumed.student.dispose();
  });
});

describe('a precomputed teacher for the training rows, transferTeacher for the others', () => {
  it('takes row i of the precomputed outputs for training row i and asks transferTeacher about the rest (float64)', async () => {
    // "Out-of-fold" targets for the training rows: here the true teacher's logits halved.
    const oof = precomputedTeacher(
      data.xs.map((r) => [teacherLogit(r) / 2]),
      { output: 'logits' },
    );
    const full = countingTeacher();
    const model = denseStudent(4, 0, 1, 12);
    const r = await distill({
      runtime,
      teacher: oof,
      transferTeacher: full.t,
      student: model,
      data: { x: data.x, y: data.y },
      unlabeled: { x: extra.x },
      temperature: 2,
      epochs: 1,
      batchSize: 1000,
      optimizer: tf.train.sgd(0),
    });
    expect(full.rows).toEqual([30]);
    const sL = studentLogits(model, data.xs);
    const sU = studentLogits(model, extra.xs);
    const soft =
      (sum(sL.map((s, i) => softBce(teacherLogit(data.xs[i]!) / 2, s, 2))) +
        sum(sU.map((s, i) => softBce(teacherLogit(extra.xs[i]!), s, 2)))) /
      (sL.length + sU.length);
    expect(r.history[0]!.softLoss).toBeCloseTo(soft, 5);
    model.dispose();
  });

  it('converts a transferTeacher of the other output kind, and takes a precomputed one by row of [unlabeled; generated]', async () => {
    const oof = precomputedTeacher(
      data.xs.map((r) => [teacherLogit(r)]),
      { output: 'logits' },
    );
    // Probabilities for the 30 unlabelled rows, by row position.
    const probs = extra.xs.map((r) => sigmoid64(teacherLogit(r)));
    const model = denseStudent(4, 0, 1, 13);
    const r = await distill({
      runtime,
      teacher: oof,
      transferTeacher: precomputedTeacher(probs, { output: 'probabilities' }),
      student: model,
      data: { x: data.x, y: data.y },
      unlabeled: { x: extra.x },
      epochs: 1,
      batchSize: 1000,
      optimizer: tf.train.sgd(0),
    });
    const sL = studentLogits(model, data.xs);
    const sU = studentLogits(model, extra.xs);
    const soft =
      (sum(sL.map((s, i) => softBce(teacherLogit(data.xs[i]!), s, 1))) +
        sum(sU.map((s, i) => bce64(probs[i]!, sigmoid64(s))))) /
      (sL.length + sU.length);
    expect(r.history[0]!.softLoss).toBeCloseTo(soft, 5);
    model.dispose();
  });
});

describe('soft-target diagnostics and the nearly-labels warning', () => {
  it('measures the teacher targets on the labelled training rows at the run temperature (float64)', async () => {
    const model = denseStudent(4, 0, 1, 14);
    const T = 2;
    const r = await distill({
      runtime,
      teacher: countingTeacher().t,
      student: model,
      data: { x: data.x, y: data.y },
      unlabeled: { x: extra.x },
      temperature: T,
      epochs: 1,
    });
    const t = data.xs.map((row) => sigmoid64(teacherLogit(row) / T));
    const n = t.length;
    const gap = sum(t.map((v, i) => Math.abs(v - data.ys[i]!))) / n;
    const h = (p: number) => (p > 0 ? -p * Math.log(p) : 0);
    const entropy = sum(t.map((v) => h(v) + h(1 - v))) / n;
    const softShare = t.filter((v) => v > 0.05 && v < 0.95).length / n;
    expect(r.diagnostics!.temperature).toBe(T);
    const s = r.diagnostics!.softTargets;
    expect(s.rows).toBe(n);
    expect(s.meanAbsGap).toBeCloseTo(gap, 5);
    expect(s.meanEntropy).toBeCloseTo(entropy, 5);
    expect(s.softShare).toBeCloseTo(softShare, 10);
    expect(s.nearlyLabels).toBe(false);
    expect(r.warnings).toEqual([]);
    model.dispose();
  });

  it('warns through onWarning (once, after onTrainBegin), the result and the progress display when the targets are nearly the labels', async () => {
    // A teacher that reproduces the labels: logits ±12 on the label's side.
    const labelTeacher = precomputedTeacher(
      data.ys.map((y) => [y === 1 ? 12 : -12]),
      { output: 'logits' },
    );
    const model = denseStudent(4, 0, 1, 15);
    const events: string[] = [];
    const lines: string[] = [];
    const r = await distill({
      runtime,
      teacher: labelTeacher,
      student: model,
      data: { x: data.x, y: data.y },
      epochs: 1,
      callbacks: [
        {
          onTrainBegin: () => void events.push('begin'),
          onWarning: (w: KdWarning) => void events.push(w.code),
        },
        consoleProgress({ sink: { write: (text: string) => lines.push(text) } }),
      ],
    });
    expect(events).toEqual(['begin', 'KD_SOFT_TARGETS_NEARLY_LABELS']);
    expect(r.diagnostics!.softTargets.nearlyLabels).toBe(true);
    expect(r.warnings.map((w) => w.code)).toEqual(['KD_SOFT_TARGETS_NEARLY_LABELS']);
    expect(r.warnings[0]!.message).toMatch(/out-of-fold/);
    expect(lines.some((l) => l.includes('warning KD_SOFT_TARGETS_NEARLY_LABELS'))).toBe(true);
    // At T = 8 the same teacher's targets are soft enough: no warning.
    const soft = await distill({
      runtime,
      teacher: labelTeacher,
      student: model,
      data: { x: data.x, y: data.y },
      temperature: 8,
      epochs: 1,
    });
    expect(soft.diagnostics!.softTargets.nearlyLabels).toBe(false);
    expect(soft.warnings).toEqual([]);
    model.dispose();
  });

  it('has no diagnostics when training from scratch', async () => {
    const model = denseStudent(4, 0, 1, 16);
    const r = await trainFromScratch({ runtime, student: model, data: { x: data.x, y: data.y }, epochs: 1 });
    expect(r.diagnostics).toBeUndefined();
    expect(r.warnings).toEqual([]);
    model.dispose();
  });
});

describe('unlabeled and transfer are checked before training', () => {
  async function expectCode(code: string, options: Partial<DistillOptions<TrainingData>>, scratch = false) {
    const m = denseStudent(4, 0, 1, 17);
    const before = Array.from(m.getWeights()[0]!.dataSync());
    let began = false;
    const base = {
      runtime,
      student: m,
      data: { x: data.x, y: data.y },
      epochs: 1,
      callbacks: { onTrainBegin: () => void (began = true) },
      ...options,
    };
    const err = await (
      scratch
        ? trainFromScratch(base)
        : distill({ teacher: countingTeacher().t, ...base } as DistillOptions<TrainingData>)
    ).catch((e: unknown) => e);
    expect(isKdError(err, code as never), `expected ${code}, got ${String(err)}`).toBe(true);
    expect(began).toBe(false);
    expect(Array.from(m.getWeights()[0]!.dataSync())).toEqual(before);
    m.dispose();
    return err as Error;
  }

  it('unlabeled.x of another feature width', async () => {
    const x = tf.zeros([5, 3]);
    const e = await expectCode('KD_SHAPE_MISMATCH', { unlabeled: { x } });
    expect(e.message).toMatch(/unlabeled\.x has rows shaped \[3\] but the training rows are \[4\]/);
    x.dispose();
  });
  it('unlabeled that is not { x: Tensor }, or empty, or has labels', async () => {
    await expectCode('KD_DATA_INVALID', { unlabeled: { x: [[1, 2, 3, 4]] } as never });
    const empty = tf.zeros([0, 4]);
    await expectCode('KD_DATA_INVALID', { unlabeled: { x: empty } });
    empty.dispose();
    await expectCode('KD_INVALID_ARGUMENT', { unlabeled: { x: extra.x, y: extra.y } as never });
  });
  it('non-finite unlabelled features', async () => {
    const x = tf.tensor2d([
      [0, 1, 2, 3],
      [0, Number.NaN, 2, 3],
    ]);
    const e = await expectCode('KD_NON_FINITE', { unlabeled: { x } });
    expect(e.message).toMatch(/unlabeled\.x\[5\]/);
    x.dispose();
  });
  it('transfer.multiple ≤ 0 or not whole, an unknown method, an option of another method', async () => {
    for (const multiple of [0, -1, 1.5])
      await expectCode('KD_INVALID_ARGUMENT', { transfer: { method: 'mixup', multiple } });
    const e = await expectCode('KD_INVALID_ARGUMENT', { transfer: { method: 'smote', multiple: 1 } as never });
    expect(e.message).toMatch(/'munge', 'mixup', 'noise'/);
    await expectCode('KD_INVALID_ARGUMENT', { transfer: { method: 'mixup', multiple: 1, sd: 0.1 } as never });
    await expectCode('KD_INVALID_ARGUMENT', { transfer: { method: 'munge', multiple: 1, p: 2 } });
    await expectCode('KD_INVALID_ARGUMENT', { transfer: { method: 'munge', multiple: 1, categorical: [4] } });
    await expectCode('KD_INVALID_ARGUMENT', { transfer: { method: 'noise', multiple: 1, seed: 0.5 } });
  });
  it('munge on rows that are not tabular', async () => {
    const images = tf.zeros([6, 2, 2, 1]);
    const y = tf.tensor1d([0, 1, 0, 1, 0, 1]);
    await expectCode('KD_DATA_INVALID', { data: { x: images, y }, transfer: { method: 'munge', multiple: 1 } });
    tf.dispose([images, y]);
  });
  it('a precomputed teacher without a transferTeacher', async () => {
    const e = await expectCode('KD_TEACHER_INVALID', {
      teacher: precomputedTeacher(
        data.ys.map((y) => [y]),
        { output: 'probabilities' },
      ),
      transfer: { method: 'noise', multiple: 1 },
    });
    expect(e.message).toMatch(/transferTeacher/);
  });
  it('a transferTeacher without rows to label, and unlabeled rows without a teacher', async () => {
    await expectCode('KD_INVALID_ARGUMENT', { transferTeacher: countingTeacher().t });
    await expectCode('KD_INVALID_ARGUMENT', { unlabeled: { x: extra.x } }, true);
    await expectCode('KD_INVALID_ARGUMENT', { transfer: { method: 'noise', multiple: 1 } }, true);
  });
  it('a stream of unlabelled rows next to in-memory data', () =>
    expectCode('KD_INVALID_ARGUMENT', { unlabeled: { batches: function* () {} } as never }));
});
