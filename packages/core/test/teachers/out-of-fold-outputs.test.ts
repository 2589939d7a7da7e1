import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpuRuntime } from '../../src/cpu.js';
import {
  distill,
  isKdError,
  outOfFoldOutputs,
  softTargetSharpness,
  stratifiedFolds,
  teacher,
  type KdRuntime,
} from '../../src/index.js';
import { denseStudent, toyBinary } from '../helpers/fixtures.js';

let runtime: KdRuntime;
beforeAll(async () => {
  runtime = cpuRuntime();
  await runtime.init();
});

/** Rows [id, feature] with labels, so a teacher can tell which rows it was given. */
function idRows(n: number) {
  const ys = Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 1 : 0));
  return {
    x: tf.tensor2d(Array.from({ length: n }, (_, i) => [i, ys[i]! * 2 - 1])),
    y: tf.tensor1d(ys),
    ys,
  };
}

/**
 * A kernel-smoothing teacher with a tiny bandwidth: it memorises its training rows (targets ≈ their
 * labels) and is much less sure away from them, the overfitting case OOF targets exist for.
 */
function memorisingTeacher(xs: number[][], ys: number[], name: string) {
  const px = tf.tensor2d(xs);
  const py = tf.tensor2d(ys, [ys.length, 1]);
  const t = teacher(
    (q) =>
      tf.tidy(() => {
        const d2 = tf.sum(tf.square(tf.sub(tf.expandDims(q, 1), tf.expandDims(px, 0))), 2);
        const w = tf.exp(tf.div(tf.neg(d2), 0.001));
        return tf.div(tf.add(tf.matMul(w, py), 0.005), tf.add(tf.sum(w, 1, true), 0.01));
      }),
    { output: 'probabilities', name, id: name },
  );
  return {
    name,
    output: t.output,
    predictDataset: (x: tf.Tensor, o: { batchSize: number }) => t.predictDataset(x, o),
    cacheKey: () => t.cacheKey(),
    dispose: () => tf.dispose([px, py]),
  };
}

describe('stratifiedFolds', () => {
  it('spreads every class over the folds evenly and is fixed by the seed', () => {
    const classes = [...Array(10).fill(0), ...Array(7).fill(1)] as number[];
    const folds = stratifiedFolds(classes, 3, 5);
    for (const c of [0, 1]) {
      const counts = [0, 1, 2].map((f) => classes.filter((v, i) => v === c && folds[i] === f).length);
      expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
    }
    const sizes = [0, 1, 2].map((f) => folds.filter((v) => v === f).length);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    expect(stratifiedFolds(classes, 3, 5)).toEqual(folds);
    expect(stratifiedFolds(classes, 3, 6)).not.toEqual(folds);
  });
});

describe('outOfFoldOutputs', () => {
  const data = idRows(30);
  afterAll(() => tf.dispose([data.x, data.y]));

  it('gives every row the output of the one fold teacher that never saw it, and frees everything', async () => {
    const before = tf.memory().numTensors;
    const k = 4;
    const seen: Array<Set<number>> = [];
    const seeds: number[] = [];
    const result = await outOfFoldOutputs({
      runtime,
      folds: k,
      seed: 3,
      data: { x: data.x, y: data.y },
      trainTeacher: async (x, _y, foldSeed, fold) => {
        const ids = (await x.data()).filter((_, i) => i % 2 === 0);
        seen[fold] = new Set(Array.from(ids));
        seeds.push(foldSeed);
        // Outputs encode which fold's teacher answered: p = (fold + 1) / 10.
        return teacher((q) => tf.fill([q.shape[0]!, 1], (fold + 1) / 10), { output: 'probabilities', id: `f${fold}` });
      },
    });
    expect(seeds).toEqual([12, 13, 14, 15]);
    const outputs = await result.teacher.predictDataset(data.x, { batchSize: 64 });
    const values = await outputs.data();
    outputs.dispose();
    for (let row = 0; row < 30; row++) {
      const fold = Math.round(values[row]! * 10) - 1;
      expect(fold).toBe(result.folds[row]);
      expect(seen[fold]!.has(row), `row ${row} was scored by a teacher that trained on it`).toBe(false);
      // ... and every other teacher did train on it.
      for (let f = 0; f < k; f++) if (f !== fold) expect(seen[f]!.has(row)).toBe(true);
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('gives less sharp targets on the training rows than in-fold outputs on an overfitting problem', async () => {
    const train = toyBinary(60, 2, 11);
    const inFold = memorisingTeacher(train.xs, train.ys, 'in-fold');
    const inOut = await inFold.predictDataset(train.x, { batchSize: 64 });
    const inSharp = softTargetSharpness(await inOut.data(), train.ys);
    inOut.dispose();
    inFold.dispose();
    const oof = await outOfFoldOutputs({
      runtime,
      folds: 5,
      data: { x: train.x, y: train.y },
      trainTeacher: async (x, y, foldSeed) =>
        memorisingTeacher((await x.array()) as number[][], Array.from(await y.data()), `fold-${foldSeed}`),
    });
    const oofOut = await oof.teacher.predictDataset(train.x, { batchSize: 64 });
    const oofSharp = softTargetSharpness(await oofOut.data(), train.ys);
    oofOut.dispose();
    expect(inSharp.nearlyLabels).toBe(true);
    expect(oofSharp.nearlyLabels).toBe(false);
    expect(oofSharp.meanAbsGap).toBeGreaterThan(5 * inSharp.meanAbsGap);
    expect(oofSharp.softShare).toBeGreaterThan(inSharp.softShare);
    expect(oofSharp.meanEntropy).toBeGreaterThan(inSharp.meanEntropy);

    // The targets work as a teacher for distill, row for row.
    const student = denseStudent(2, 0, 1, 0);
    const result = await distill({
      runtime,
      teacher: oof.teacher,
      student,
      data: { x: train.x, y: train.y },
      epochs: 1,
    });
    expect(result.history).toHaveLength(1);
    student.dispose();
    tf.dispose([train.x, train.y]);
  });

  it('caches under a key of id, folds and seed: a second call trains nothing, another k or seed trains again', async () => {
    let trained = 0;
    const options = {
      runtime,
      folds: 3,
      seed: 1,
      id: 'const-recipe',
      data: { x: data.x, y: data.y },
      trainTeacher: (_x: tf.Tensor, _y: tf.Tensor, foldSeed: number) => {
        trained++;
        return teacher((q) => tf.fill([q.shape[0]!, 1], 0.1 + foldSeed / 100), { output: 'probabilities', id: 'c' });
      },
    };
    const first = await outOfFoldOutputs(options);
    expect([trained, first.fromCache]).toEqual([3, false]);
    const second = await outOfFoldOutputs(options);
    expect([trained, second.fromCache, second.key]).toEqual([3, true, first.key]);
    const a = await first.teacher.predictDataset(data.x, { batchSize: 64 });
    const b = await second.teacher.predictDataset(data.x, { batchSize: 64 });
    expect(Array.from(await b.data())).toEqual(Array.from(await a.data()));
    tf.dispose([a, b]);
    const otherK = await outOfFoldOutputs({ ...options, folds: 2 });
    expect([trained, otherK.fromCache]).toEqual([5, false]);
    const otherSeed = await outOfFoldOutputs({ ...options, seed: 2 });
    expect([trained, otherSeed.fromCache]).toEqual([8, false]);
  });

  it('refuses one fold, more folds than rows, and mismatched rows before training', async () => {
    let trained = 0;
    const trainTeacher = () => {
      trained++;
      return teacher((q) => tf.fill([q.shape[0]!, 1], 0.5), { output: 'probabilities' });
    };
    const y5 = tf.tensor1d([0, 1, 0, 1, 0]);
    const errors = await Promise.all([
      outOfFoldOutputs({ runtime, folds: 1, data: { x: data.x, y: data.y }, trainTeacher }).catch((e: unknown) => e),
      outOfFoldOutputs({ runtime, folds: 31, data: { x: data.x, y: data.y }, trainTeacher }).catch((e: unknown) => e),
      outOfFoldOutputs({ runtime, folds: 2, data: { x: data.x, y: y5 }, trainTeacher }).catch((e: unknown) => e),
    ]);
    expect(errors.map((e) => (isKdError(e) ? e.code : String(e)))).toEqual([
      'KD_INVALID_ARGUMENT',
      'KD_INVALID_ARGUMENT',
      'KD_SHAPE_MISMATCH',
    ]);
    expect(trained).toBe(0);
    y5.dispose();
  });
});
