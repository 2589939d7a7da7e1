import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpuRuntime } from '../../src/cpu.js';
import {
  distill,
  formatSearchTable,
  gaussianNoise,
  isKdError,
  mixup,
  munge,
  precomputedTeacher,
  searchAlpha,
  searchDistillation,
  teacher,
  type KdRuntime,
  type SearchAlphaOptions,
  type Teacher,
} from '../../src/index.js';
import { denseStudent, toyBinary } from '../helpers/fixtures.js';

let runtime: KdRuntime;
const train = toyBinary(40, 4, 3);
const val = toyBinary(30, 4, 4);
const unlabeled = toyBinary(12, 4, 5);
const W = [2, -1, 2, -1];
let teacherId = 0;

function countingTeacher(): { t: Teacher; rows: number[] } {
  const rows: number[] = [];
  const t = teacher(
    (x) => {
      rows.push(x.shape[0]!);
      return tf.matMul(x, tf.tensor2d(W, [4, 1]));
    },
    { output: 'logits', id: `search-transfer-teacher-${++teacherId}` },
  );
  return { t, rows };
}

beforeAll(async () => {
  runtime = cpuRuntime();
  await runtime.init();
});
afterAll(() => tf.dispose([train.x, train.y, val.x, val.y, unlabeled.x, unlabeled.y]));

const base = (t: Teacher): SearchAlphaOptions => ({
  runtime,
  teacher: t,
  data: { x: train.x, y: train.y },
  validation: { x: val.x, y: val.y },
  makeStudent: (seed) => denseStudent(4, 0, 1, seed),
  makeOptimizer: () => tf.train.sgd(0.3),
  seeds: [0],
  epochs: 2,
  batchSize: 16,
  metric: 'val_loss',
  select: 'last',
  deadRun: false,
});

describe('the generators make their rows pass by pass', () => {
  it('multiple m gives the first m × N rows of a larger multiple (what the search relies on)', async () => {
    for (const generate of [
      (m: number) => munge(train.x, { multiple: m, seed: 4 }),
      (m: number) => mixup(train.x, { multiple: m, seed: 4 }),
      (m: number) => gaussianNoise(train.x, { multiple: m, seed: 4 }),
    ]) {
      const large = await generate(3);
      const small = await generate(2);
      expect(Array.from(await small.data())).toEqual(Array.from((await large.data()).subarray(0, 2 * 40 * 4)));
      tf.dispose([large, small]);
    }
  });
});

describe('searches with transfer rows', () => {
  it('searchDistillation: transferMultiples is a third axis; the teacher labels the generated rows once', async () => {
    const { t, rows } = countingTeacher();
    const before = tf.memory().numTensors;
    const result = await searchDistillation({
      ...base(t),
      unlabeled: { x: unlabeled.x },
      transfer: { method: 'mixup', multiple: 1, seed: 2 },
      transferMultiples: [1, 3],
      alphas: [0, 1],
      temperatures: [1, 2],
    });
    // The unlabelled rows and 3 × 40 generated rows once, and the training rows once.
    expect(rows).toEqual([12 + 3 * 40, 40]);
    expect(result.runs).toHaveLength(8);
    expect(result.rows.map((r) => [r.transferMultiple, r.temperature, r.alpha])).toEqual([
      [1, 1, 0],
      [1, 1, 1],
      [1, 2, 0],
      [1, 2, 1],
      [3, 1, 0],
      [3, 1, 1],
      [3, 2, 0],
      [3, 2, 1],
    ]);
    for (const row of result.rows) {
      const mine = result.runs.filter(
        (r) =>
          r.transferMultiple === row.transferMultiple && r.temperature === row.temperature && r.alpha === row.alpha,
      );
      expect(row.values).toEqual(mine.map((r) => r.value));
    }
    const table = formatSearchTable(result).split('\n');
    expect(table[0]!.split(/\s+/).filter(Boolean)).toEqual(['α', 'T', '×N', 'val_loss', 'n', 'dead']);
    expect(table).toHaveLength(9);
    expect(table.filter((l) => l.startsWith('*'))).toHaveLength(1);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a search run at multiple m trains exactly like distill with transfer: { multiple: m }', async () => {
    const { t } = countingTeacher();
    const transfer = { method: 'noise' as const, multiple: 2, sd: 0.2, seed: 6 };
    const result = await searchAlpha({
      ...base(t),
      transfer,
      transferMultiples: [2, 4],
      alphas: [0.5],
      temperatures: [2],
    });
    const student = denseStudent(4, 0, 1, 0);
    const optimizer = tf.train.sgd(0.3);
    const direct = await distill({
      runtime,
      teacher: t,
      student,
      data: { x: train.x, y: train.y },
      validation: { x: val.x, y: val.y },
      transfer,
      alpha: 0.5,
      temperature: 2,
      epochs: 2,
      batchSize: 16,
      seed: 0,
      optimizer,
    });
    const run = result.runs.find((r) => r.transferMultiple === 2)!;
    expect(run.value).toBeCloseTo(direct.history.at(-1)!.val.val_loss!, 6);
    expect(result.runs.find((r) => r.transferMultiple === 4)!.value).not.toBeCloseTo(run.value, 6);
    optimizer.dispose();
    student.dispose();
  });

  it('multiple 0 trains on no generated rows: the run without transfer, next to the others', async () => {
    const { t, rows } = countingTeacher();
    const transfer = { method: 'mixup' as const, multiple: 1, seed: 3 };
    const result = await searchAlpha({ ...base(t), transfer, transferMultiples: [0, 2], alphas: [0.5] });
    // The generated rows (2 × 40, for the largest multiple) once, and the training rows once.
    expect(rows).toEqual([2 * 40, 40]);
    expect(result.rows.map((r) => r.transferMultiple)).toEqual([0, 2]);
    const plain = await searchAlpha({ ...base(countingTeacher().t), alphas: [0.5] });
    const at = (m: number) => result.runs.find((r) => r.transferMultiple === m)!.value;
    expect(at(0)).toBe(plain.runs[0]!.value);
    expect(at(2)).not.toBeCloseTo(at(0), 6);
    // Only multiples 0: nothing is generated or labelled besides the training rows.
    const none = countingTeacher();
    const zero = await searchAlpha({ ...base(none.t), transfer, transferMultiples: [0], alphas: [0.5] });
    expect(none.rows).toEqual([40]);
    expect(zero.runs[0]!.value).toBe(plain.runs[0]!.value);
  });

  it('takes a precomputed teacher for the training rows with transferTeacher for the others', async () => {
    const full = countingTeacher();
    const oof = precomputedTeacher(
      train.xs.map((r) => [r.reduce((a, v, j) => a + v * W[j]!, 0) / 2]),
      { output: 'logits' },
    );
    const result = await searchAlpha({
      ...base(oof),
      transferTeacher: full.t,
      transfer: { method: 'munge', multiple: 2 },
      alphas: [0.3],
    });
    expect(full.rows).toEqual([80]);
    expect(result.runs).toHaveLength(1);
    expect(result.rows[0]!.transferMultiple).toBe(2);
  });

  it('checks the transfer options before any run', async () => {
    let runs = 0;
    const onRun = () => void runs++;
    const expectCode = async (code: string, options: Partial<SearchAlphaOptions>) => {
      const err = await searchAlpha({ ...base(countingTeacher().t), alphas: [0.5], onRun, ...options }).catch(
        (e: unknown) => e,
      );
      expect(isKdError(err, code as never), `expected ${code}, got ${String(err)}`).toBe(true);
    };
    await expectCode('KD_INVALID_ARGUMENT', { transferMultiples: [1, 2] });
    await expectCode('KD_INVALID_ARGUMENT', { transfer: { method: 'mixup', multiple: 1 }, transferMultiples: [-1, 2] });
    await expectCode('KD_INVALID_ARGUMENT', { transfer: { method: 'mixup', multiple: 1 }, transferMultiples: [1.5] });
    await expectCode('KD_INVALID_ARGUMENT', { transfer: { method: 'mixup', multiple: 2 }, transferMultiples: [2, 2] });
    // Multiple 0 is allowed in a grid only: transfer.multiple itself stays at least 1.
    await expectCode('KD_INVALID_ARGUMENT', { transfer: { method: 'mixup', multiple: 0 } });
    await expectCode('KD_INVALID_ARGUMENT', {
      transfer: { method: 'smote', multiple: 1 } as never,
      transferMultiples: [0],
    });
    await expectCode('KD_INVALID_ARGUMENT', { transfer: { method: 'mixup', multiple: 1 }, transferMultiples: [] });
    await expectCode('KD_INVALID_ARGUMENT', { transfer: { method: 'mixup', multiple: 1 }, parallel: true });
    await expectCode('KD_INVALID_ARGUMENT', { transfer: { method: 'smote', multiple: 1 } as never });
    const x3 = tf.zeros([4, 3]);
    await expectCode('KD_SHAPE_MISMATCH', { unlabeled: { x: x3 } });
    x3.dispose();
    await expectCode('KD_TEACHER_INVALID', {
      teacher: precomputedTeacher(
        train.ys.map((y) => [y]),
        { output: 'probabilities' },
      ),
      transfer: { method: 'noise', multiple: 1 },
    });
    expect(runs).toBe(0);
  });
});
