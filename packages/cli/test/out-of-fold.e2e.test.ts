// `kd train-teacher --folds K` saves out-of-fold outputs beside each teacher, and `kd distill`
// trains on them when they belong to its training rows; every other case falls back to the
// teachers' own outputs and says so.
import { copyFileSync, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import {
  isKdError,
  layersStudent,
  outOfFoldOutputs,
  softTargetSharpness,
  stratifiedFolds,
  trainFromScratch,
} from '@kd/core';
import { cpuRuntime } from '@kd/core/cpu';
import type { RunMetrics } from '@kd/report';
import { beforeAll, describe, expect, it } from 'vitest';
import type * as tfl from '@tensorflow/tfjs-layers';
import { buildModel, loadModel, prepareData, runTrainTeacher } from '../src/index.js';
import { toTensors } from '../src/data/prepare-data.js';
import { readOofOutputs, type OofOutputs } from '../src/run/out-of-fold.js';
import { errorLines, kd, tempDir, writeCurveCsv } from './helpers.js';

const FOLDS = 3;
const EPOCHS = 4;
const recipe = ['--model', 'mlp:8', '--epochs', String(EPOCHS), '--batch-size', '32', '--learning-rate', '0.01'];
const data = ['--data', 'curve.csv', '--label', 'label', '--standardize'];
let dir: string;

beforeAll(async () => {
  dir = tempDir('oof');
  writeCurveCsv(join(dir, 'curve.csv'), 240);
  const run = await kd(
    [
      'train-teacher',
      ...data,
      ...recipe,
      '--ensemble',
      '2',
      '--folds',
      String(FOLDS),
      '--runtime',
      'cpu',
      '--out',
      'teachers',
    ],
    { cwd: dir },
  );
  expect(run.code, run.stderr).toBe(0);
  expect(run.stdout).toMatch(/out-of-fold outputs \(3 folds\) saved beside each teacher/);
  // The fold models show progress like every other training.
  expect(run.stderr).toMatch(/training teacher 2, fold 3\/3/);
});

async function oofOf(teacher: string): Promise<OofOutputs> {
  const oof = await readOofOutputs(join(dir, 'teachers', teacher));
  if (!oof || 'problem' in oof) throw new Error(`no usable out-of-fold outputs in ${teacher}`);
  return oof;
}

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

describe('kd train-teacher --folds', () => {
  it('saves each teacher its out-of-fold outputs in the documented format', async () => {
    for (const [i, teacher] of ['teacher-1', 'teacher-2'].entries()) {
      const files = readdirSync(join(dir, 'teachers', teacher)).sort();
      expect(files).toEqual([
        'model.json',
        expect.stringMatching(/^oof-outputs\.[0-9a-f]{12}\.bin$/),
        'oof-outputs.json',
        'preprocessing.json',
        'weights.bin',
      ]);
      const { record, values, folds } = await oofOf(teacher);
      // 240 rows, stratified 60/20/20 per class: about 144 training rows; binary, kd's models output logits.
      expect(Math.abs(record.rows - 144)).toBeLessThanOrEqual(2);
      expect(record).toMatchObject({ format: 'kd-oof-outputs', version: 1, units: 1, kind: 'logits', folds: FOLDS });
      expect(record.seed).toBe(i);
      expect(record.foldSeeds).toEqual([0, 1, 2].map((f) => i * FOLDS + f));
      expect(record.trainRowsSha256).toMatch(/^[0-9a-f]{64}$/);
      expect(statSync(join(dir, 'teachers', teacher, record.file)).size).toBe(record.rows * 4 * 2);
      expect(values).toHaveLength(record.rows);
      expect(new Set(folds)).toEqual(new Set([0, 1, 2]));
    }
  });

  it("gives every training row the output of the fold model that did not train on it (checked against @kd/core's outOfFoldOutputs)", async () => {
    const runtime = cpuRuntime();
    await runtime.init();
    const prepared = await prepareData({ data: join(dir, 'curve.csv'), label: 'label', standardize: true });
    const train = toTensors(prepared.train);
    const validation = toTensors(prepared.validation);
    try {
      for (const [i, teacher] of ['teacher-1', 'teacher-2'].entries()) {
        const { record, values, folds } = await oofOf(teacher);
        // The folds are the stratified folds of the training labels, seeded by the teacher's seed.
        expect(Array.from(folds)).toEqual(Array.from(stratifiedFolds(prepared.train.y, FOLDS, i)));
        // The same recipe, trained here, fold by fold, on the rows of the other folds only.
        const reference = await outOfFoldOutputs({
          runtime,
          folds: FOLDS,
          data: train,
          seed: i,
          trainTeacher: async (x, y, foldSeed) => {
            expect(x.shape[0]).toBe(record.rows - folds.filter((f) => f === foldSeed - i * FOLDS).length);
            const model = await buildModel('mlp:8', {
              inputShape: [4],
              units: 1,
              seed: 100_000 + foldSeed,
              name: 'ref',
            });
            await trainFromScratch({
              runtime,
              student: layersStudent(model),
              data: { x, y },
              validation,
              epochs: EPOCHS,
              batchSize: 32,
              learningRate: 0.01,
              seed: foldSeed,
            });
            return model;
          },
        });
        const expected = await reference.teacher.predictDataset(train.x, { batchSize: 256 });
        const want = await expected.data();
        expected.dispose();
        for (let r = 0; r < record.rows; r++) expect(values[r]!, `row ${r}`).toBeCloseTo(want[r]!, 5);
        // The deployed teacher, trained on all the rows, scores them otherwise: the file is not its outputs.
        const deployed = await loadModel(join(dir, 'teachers', teacher, 'model.json'));
        const own = (deployed.model as tfl.LayersModel).predict(train.x) as tf.Tensor;
        const inFold = await own.data();
        tf.dispose([own]);
        deployed.model.dispose();
        expect(Array.from(values).filter((v, r) => Math.abs(v - inFold[r]!) > 1e-3).length).toBeGreaterThan(
          record.rows / 2,
        );
      }
    } finally {
      tf.dispose([train.x, train.y, validation.x, validation.y]);
    }
  });

  it('refuses --folds below 2, not whole, or above the training rows, before training', async () => {
    for (const folds of ['1', '2.5']) {
      const run = await kd(['train-teacher', ...data, '--folds', folds, '--runtime', 'cpu', '--out', 'never'], {
        cwd: dir,
      });
      expect(run.code, run.stderr).toBe(2);
      expect(errorLines(run)).toHaveLength(1);
      expect(errorLines(run)[0]).toMatch(/^kd: --folds: /);
    }
    const tooMany = await kd(['train-teacher', ...data, '--folds', '1000', '--runtime', 'cpu', '--out', 'never'], {
      cwd: dir,
    });
    expect(tooMany.code).toBe(2);
    expect(errorLines(tooMany)).toEqual([
      expect.stringMatching(/^kd: --folds 1000 is more than the 14\d training rows/),
    ]);
    expect(existsSync(join(dir, 'never'))).toBe(false);
    // From code: a KdError with a stable code, before anything is written.
    const error = await runTrainTeacher({
      data: join(dir, 'curve.csv'),
      label: 'label',
      folds: 1,
      runtime: 'cpu',
      out: join(dir, 'never'),
    }).catch((e: unknown) => e);
    expect(isKdError(error, 'KD_INVALID_ARGUMENT')).toBe(true);
    expect(existsSync(join(dir, 'never'))).toBe(false);
  });
});

describe('kd distill with out-of-fold teachers', () => {
  const distill = [
    'distill',
    ...data,
    '--teacher',
    'teachers',
    '--student',
    'logistic',
    '--epochs',
    '2',
    '--no-scratch',
    '--runtime',
    'cpu',
  ];
  const metricsOf = (run: string) => JSON.parse(readFileSync(join(dir, run, 'metrics.json'), 'utf8')) as RunMetrics;

  it('trains on the ensemble of the out-of-fold outputs, says so, and measures those targets', async () => {
    const run = await kd([...distill, '--out', 'run-oof'], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(
      /note: soft targets of the 14\d training rows: the teachers' out-of-fold outputs \(3 folds/,
    );
    expect(run.stdout).toMatch(/soft targets out-of-fold/);
    expect(run.stdout).toMatch(/out-of-fold \(3 folds\)/);
    const m = metricsOf('run-oof');
    expect(m.settings).toMatchObject({ teacherTargets: 'out-of-fold', outOfFold: { folds: 3 } });
    // The soft targets are the mean of the two teachers' out-of-fold probabilities (mean-probability
    // ensemble), computed here in float64 from the saved files.
    const [a, b] = [await oofOf('teacher-1'), await oofOf('teacher-2')];
    const prepared = await prepareData({ data: join(dir, 'curve.csv'), label: 'label', standardize: true });
    const targets = Array.from(a.values, (v, r) => (sigmoid(v) + sigmoid(b.values[r]!)) / 2);
    const want = softTargetSharpness(targets, prepared.train.y);
    const got = m.diagnostics.softTargets;
    expect(got).toMatchObject({ targets: 'out-of-fold', temperature: 1, rows: prepared.train.rows, threshold: 0.02 });
    expect(got.meanAbsGap).toBeCloseTo(want.meanAbsGap, 5);
    expect(got.meanEntropy).toBeCloseTo(want.meanEntropy, 5);
    expect(got.softShare).toBe(want.softShare);
    expect(got.nearlyLabels).toBe(want.nearlyLabels);

    // A mean-logit ensemble averages the members' out-of-fold logits, as it averages their outputs.
    const logit = await kd([...distill, '--combine', 'mean-logit', '--out', 'run-oof-logit'], { cwd: dir });
    expect(logit.code, logit.stderr).toBe(0);
    const byLogit = softTargetSharpness(
      Array.from(a.values, (v, r) => sigmoid((v + b.values[r]!) / 2)),
      prepared.train.y,
    );
    expect(metricsOf('run-oof-logit').settings.teacherTargets).toBe('out-of-fold');
    expect(metricsOf('run-oof-logit').diagnostics.softTargets.meanAbsGap).toBeCloseTo(byLogit.meanAbsGap, 5);
    expect(byLogit.meanAbsGap).not.toBeCloseTo(want.meanAbsGap, 4);
  });

  it('--no-oof trains on the teachers’ own outputs', async () => {
    const run = await kd([...distill, '--no-oof', '--out', 'run-in-fold'], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/note: --no-oof: /);
    const m = metricsOf('run-in-fold');
    expect(m.settings).toMatchObject({ teacherTargets: 'in-fold', outOfFold: null });
    expect(m.diagnostics.softTargets.targets).toBe('in-fold');
    expect(m.diagnostics.softTargets.meanAbsGap).not.toBeCloseTo(
      metricsOf('run-oof').diagnostics.softTargets.meanAbsGap,
      4,
    );
  });

  it('falls back to in-fold targets with a note when the outputs belong to other rows or another teacher', async () => {
    // Another split (--seed 1): other training rows.
    const split = await kd([...distill, '--seed', '1', '--out', 'run-other-split'], { cwd: dir });
    expect(split.code, split.stderr).toBe(0);
    expect(split.stderr).toMatch(
      /were made for other training rows \(other data, split or --seed\): training on the teachers' own \(in-fold\) outputs instead/,
    );
    expect(metricsOf('run-other-split').settings.teacherTargets).toBe('in-fold');
    // Other data: the same file with more rows.
    writeCurveCsv(join(dir, 'more.csv'), 260);
    const other = await kd([...distill, '--data', 'more.csv', '--out', 'run-other-data'], { cwd: dir });
    expect(other.code, other.stderr).toBe(0);
    expect(other.stderr).toMatch(/were made for other training rows/);
    expect(metricsOf('run-other-data').settings.teacherTargets).toBe('in-fold');
    // Outputs copied beside another teacher: they are not its outputs.
    const stale = await kd(['train-teacher', ...data, ...recipe, '--seed', '0', '--runtime', 'cpu', '--out', 'plain'], {
      cwd: dir,
    });
    expect(stale.code, stale.stderr).toBe(0);
    expect(readdirSync(join(dir, 'plain', 'teacher-1')).filter((f) => f.startsWith('oof-'))).toEqual([]);
    const { record } = await oofOf('teacher-2');
    for (const f of ['oof-outputs.json', record.file])
      copyFileSync(join(dir, 'teachers', 'teacher-2', f), join(dir, 'plain', 'teacher-1', f));
    const copied = await kd([...distill.map((a) => (a === 'teachers' ? 'plain' : a)), '--out', 'run-copied'], {
      cwd: dir,
    });
    expect(copied.code, copied.stderr).toBe(0);
    expect(copied.stderr).toMatch(/belong to an earlier teacher in that folder/);
    expect(metricsOf('run-copied').settings.teacherTargets).toBe('in-fold');
  });
});
