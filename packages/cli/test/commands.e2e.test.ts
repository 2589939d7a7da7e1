import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { kd, tempDir, writeCurveCsv } from './helpers.js';
import { loadLayersFolder, readCsvRows } from './load-model-files.js';
import type { HistoryRow as HistoryLine, RunMetrics } from '@kd/report';

// One flow, as a user runs it: teachers from `kd train-teacher`, then `kd distill`, `kd evaluate`,
// `kd inspect` and `kd export`, each a separate process on real files.
const EPOCHS = 3;
let dir: string;
let csv: string;

beforeAll(() => {
  dir = tempDir('flow');
  csv = join(dir, 'curve.csv');
  writeCurveCsv(csv, 500);
});

const base = [
  '--data',
  'curve.csv',
  '--label',
  'label',
  '--standardize',
  '--epochs',
  String(EPOCHS),
  '--batch-size',
  '32',
];

describe('kd train-teacher → distill → evaluate → inspect → export', () => {
  it('train-teacher saves each teacher as a tfjs layers model with its preprocessing', async () => {
    const run = await kd(
      ['train-teacher', ...base, '--model', 'mlp:32,16', '--ensemble', '2', '--runtime', 'wasm', '--out', 'teachers'],
      { cwd: dir },
    );
    expect(run.stderr).not.toMatch(/at .*\.js:\d+/);
    expect(run.code).toBe(0);
    for (const t of ['teacher-1', 'teacher-2']) {
      for (const f of ['model.json', 'weights.bin', 'preprocessing.json'])
        expect(existsSync(join(dir, 'teachers', t, f))).toBe(true);
      const model = await loadLayersFolder(join(dir, 'teachers', t));
      // 4 features → 32 → 16 → 1: (4·32+32) + (32·16+16) + (16+1) parameters.
      expect(model.countParams()).toBe(160 + 528 + 17);
      model.dispose();
    }
    expect(run.stdout).toMatch(/teachers\/teacher-2/);
  });

  it('distill writes student/, metrics.json (the shared contract) and history.jsonl', async () => {
    const run = await kd(
      [
        'distill',
        ...base,
        '--teacher',
        'teachers',
        '--student',
        'mlp:8',
        '--seeds',
        '2',
        '--alpha',
        '0.3',
        '--runtime',
        'wasm',
        '--out',
        'run',
      ],
      { cwd: dir },
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/student, distilled/);
    expect(run.stdout).toMatch(/student: run\/student/);
    for (const f of [
      'student/model.json',
      'student/weights.bin',
      'student/preprocessing.json',
      'metrics.json',
      'history.jsonl',
    ])
      expect(existsSync(join(dir, 'run', f)), f).toBe(true);

    const m = JSON.parse(readFileSync(join(dir, 'run', 'metrics.json'), 'utf8')) as RunMetrics;
    expect(m.models.map((e) => [e.role, e.name])).toEqual([
      ['teacher', 'teacher 1'],
      ['teacher', 'teacher 2'],
      ['ensemble', 'ensemble of 2 (mean-probability)'],
      ['distilled', 'student, distilled'],
      ['scratch', 'student, from scratch'],
    ]);
    // Stratified 60/20/20 split of 500 rows, per class rounded.
    expect(m.data.rows.train + m.data.rows.validation + m.data.rows.test).toBe(500);
    expect(Math.abs(m.data.rows.test - 100)).toBeLessThanOrEqual(1);
    expect(m.data.features).toEqual(['x1', 'x2', 'noise', 'income']);
    expect(m.data.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(m.settings).toMatchObject({
      alpha: 0.3,
      alphaSource: 'given',
      epochs: EPOCHS,
      batchSize: 32,
      seeds: [0, 1],
      combine: 'mean-probability',
    });
    const student = m.models[3]!;
    // 4·8 + 8 + 8 + 1 parameters, float32.
    expect(student).toMatchObject({ params: 49, weightBytes: 196 });
    expect(statSync(join(dir, 'run', 'student', 'weights.bin')).size).toBe(196);
    expect(student.seeds?.accuracy.values).toHaveLength(2);
    expect(student.seeds!.accuracy.values[0]).toBe(student.test.accuracy);
    for (const e of m.models) {
      for (const k of ['accuracy', 'auc', 'logLoss', 'brier', 'ece'] as const)
        expect(Number.isFinite(e.test[k]), `${e.name} ${k}`).toBe(true);
      expect(e.latencyMs!.batch1).toBeGreaterThan(0);
    }
    expect(m.curves.roc.map((c) => c.name)).toEqual(m.models.map((e) => e.name));
    for (const c of m.curves.roc) {
      expect(c.fpr[0]).toBe(0);
      expect(c.fpr.at(-1)).toBe(1);
      expect(c.tpr.at(-1)).toBe(1);
    }
    const binCounts = m.curves.reliability[0]!.bins.reduce((a, b) => a + b.count, 0);
    expect(binCounts).toBe(m.data.rows.test);
    expect(m.quantization).toBeNull();
    expect(m.search).toBeNull();

    // Gap closed, recomputed from the reported means.
    const mean = (e: (typeof m.models)[number]) => e.seeds!.logLoss.mean;
    const ensemble = m.models[2]!.test.logLoss;
    const scratch = mean(m.models[4]!);
    if (ensemble < scratch)
      expect(m.gapClosed.logLoss).toBeCloseTo((mean(student) - scratch) / (ensemble - scratch), 10);
    else expect(m.gapClosed.logLoss).toBeNull();

    const history = readFileSync(join(dir, 'run', 'history.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as HistoryLine);
    // Two seeds each of distilled and scratch, EPOCHS lines each.
    expect(history).toHaveLength(4 * EPOCHS);
    expect(history.filter((h) => h.model === 'scratch').every((h) => h.softLoss === 0)).toBe(true);
    expect(history.filter((h) => h.model === 'distilled').every((h) => h.softLoss > 0)).toBe(true);
    expect(history[0]).toMatchObject({ model: 'distilled', seed: 0, epoch: 0 });
    expect(typeof history[0]!.val.val_loss).toBe('number');
  });

  it('evaluate applies the saved preprocessing and matches an independent computation', async () => {
    const run = await kd(['evaluate', '--model', 'run/student', '--data', 'curve.csv', '--json', '--runtime', 'cpu'], {
      cwd: dir,
    });
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as {
      rows: number;
      metrics: { accuracy: number; logLoss: number };
    };
    expect(result.rows).toBe(500);

    const p = JSON.parse(readFileSync(join(dir, 'run', 'student', 'preprocessing.json'), 'utf8'));
    const { names, x, y } = readCsvRows(csv, 'label');
    expect(p.features).toEqual(names);
    // Means and stds of the training split are not those of all rows, but close to them.
    expect(p.standardize.mean[3]).toBeGreaterThan(30000);
    const model = await loadLayersFolder(join(dir, 'run', 'student'));
    const scaled = x.map((row) => row.map((v, j) => (v - p.standardize.mean[j]) / p.standardize.std[j]));
    const logits = Array.from(tf.tidy(() => model.predict(tf.tensor2d(scaled)) as tf.Tensor).dataSync());
    model.dispose();
    let right = 0;
    let loss = 0;
    logits.forEach((z, i) => {
      const prob = 1 / (1 + Math.exp(-z));
      if ((prob > 0.5 ? 1 : 0) === y[i]) right++;
      const q = Math.min(1 - 1e-7, Math.max(1e-7, prob));
      loss -= y[i] === 1 ? Math.log(q) : Math.log(1 - q);
    });
    expect(result.metrics.accuracy).toBeCloseTo(right / y.length, 6);
    expect(result.metrics.logLoss).toBeCloseTo(loss / y.length, 4);
  });

  it('inspect counts FLOPs per sample as a hand count of the layers gives', async () => {
    const run = await kd(['inspect', 'teachers', 'run/student', '--json', '--runtime', 'wasm'], { cwd: dir });
    expect(run.code).toBe(0);
    const { models } = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as {
      models: Array<{
        name: string;
        params: number;
        weightBytes: number;
        flopsPerSample: number;
        latencyMs: { batch1: number; batch256: number };
      }>;
    };
    expect(models.map((m) => m.name)).toEqual(['teacher-1', 'teacher-2', 'student']);
    // Student 4→8 relu→1: multiply-adds 2·4·8, bias 8, relu 8; then 2·8·1 and bias 1 (linear: 0).
    expect(models[2]!.flopsPerSample).toBe(2 * 4 * 8 + 8 + 8 + (2 * 8 + 1));
    // Teacher 4→32 relu→16 relu→1.
    expect(models[0]!.flopsPerSample).toBe(2 * 4 * 32 + 32 + 32 + (2 * 32 * 16 + 16 + 16) + (2 * 16 + 1));
    expect(models[2]).toMatchObject({ params: 49, weightBytes: 196 });
    for (const m of models) {
      // Timings on a shared machine vary too much to compare; they must be measured and positive.
      expect(m.latencyMs.batch1).toBeGreaterThan(0);
      expect(m.latencyMs.batch256).toBeGreaterThan(0);
    }
    const text = await kd(['inspect', 'run/student', '--no-latency'], { cwd: dir });
    expect(text.stdout).toMatch(/student\s+layers\s+49\s+196 B\s+97\s/);
  });

  it('export --quantize uint8 writes a third of the bytes or less, reloads, and records the accuracy change', async () => {
    const run = await kd(
      ['export', '--model', 'run/student', '--out', 'web', '--quantize', 'uint8', '--runtime', 'wasm'],
      { cwd: dir },
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/test split: accuracy/);
    const floatBytes = statSync(join(dir, 'run', 'student', 'weights.bin')).size;
    const quantBytes = statSync(join(dir, 'web', 'weights.bin')).size;
    expect(quantBytes).toBeLessThanOrEqual(floatBytes / 3);

    const original = await loadLayersFolder(join(dir, 'run', 'student'));
    const reloaded = await loadLayersFolder(join(dir, 'web'));
    const manifest = JSON.parse(readFileSync(join(dir, 'web', 'model.json'), 'utf8')) as tf.io.ModelJSON;
    const specs = manifest.weightsManifest[0]!.weights;
    original.getWeights().forEach((w, i) => {
      const a = w.dataSync();
      const b = reloaded.getWeights()[i]!.dataSync();
      const scale = specs[i]!.quantization!.scale!;
      // Affine uint8: every value is within half a quantisation step of the original.
      for (let j = 0; j < a.length; j++) expect(Math.abs(a[j]! - b[j]!)).toBeLessThanOrEqual(scale / 2 + 1e-6);
    });
    original.dispose();
    reloaded.dispose();

    const m = JSON.parse(readFileSync(join(dir, 'run', 'metrics.json'), 'utf8')) as RunMetrics;
    expect(m.quantization).toMatchObject({ dtype: 'uint8', bytesBefore: floatBytes, bytesAfter: quantBytes });
    expect(Math.abs(m.quantization!.accuracyChange)).toBeLessThan(0.05);
    expect(Number.isFinite(m.quantization!.aucChange)).toBe(true);
    expect(existsSync(join(dir, 'web', 'preprocessing.json'))).toBe(true);
  });

  it('export --quantize float16 halves the bytes and reloads within half-precision rounding', async () => {
    const run = await kd(
      ['export', '--model', 'run/student', '--out', 'web16', '--quantize', 'float16', '--runtime', 'cpu'],
      { cwd: dir },
    );
    expect(run.code, run.stderr).toBe(0);
    expect(statSync(join(dir, 'web16', 'weights.bin')).size).toBe(196 / 2);
    const original = await loadLayersFolder(join(dir, 'run', 'student'));
    const reloaded = await loadLayersFolder(join(dir, 'web16'));
    original.getWeights().forEach((w, i) => {
      const a = w.dataSync();
      const b = reloaded.getWeights()[i]!.dataSync();
      // float16 keeps 11 significant bits: relative error at most 2^-11 (these weights are normal numbers).
      for (let j = 0; j < a.length; j++)
        expect(Math.abs(a[j]! - b[j]!)).toBeLessThanOrEqual(Math.abs(a[j]!) * 2 ** -11 + 1e-7);
    });
    original.dispose();
    reloaded.dispose();
    const m = JSON.parse(readFileSync(join(dir, 'run', 'metrics.json'), 'utf8')) as RunMetrics;
    expect(m.quantization).toMatchObject({ dtype: 'float16', bytesBefore: 196, bytesAfter: 98 });
  });

  it('search-alpha prints the table and the chosen α, from validation data only', async () => {
    const run = await kd(
      [
        'search-alpha',
        ...base,
        '--teacher',
        'teachers/teacher-1',
        '--student',
        'logistic',
        '--alphas',
        '0,1',
        '--seeds',
        '1',
        '--json',
        '--runtime',
        'wasm',
      ],
      { cwd: dir },
    );
    expect(run.code).toBe(0);
    const lines = run.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.filter((l) => l.type === 'search-run')).toHaveLength(2);
    const result = lines.at(-1);
    expect(result.rows.map((r: { alpha: number }) => r.alpha)).toEqual([0, 1]);
    const best = result.rows.reduce((a: { mean: number }, b: { mean: number }) => (b.mean < a.mean ? b : a));
    expect(result.chosen.alpha).toBe(best.alpha);
    expect(result.validationRows).toBeGreaterThan(90);
  });

  it('distill --search-alpha chooses α on validation and records the search; --no-scratch reports no gain', async () => {
    const run = await kd(
      [
        'distill',
        ...base,
        '--teacher',
        'teachers',
        '--student',
        'logistic',
        '--search-alpha',
        '0,1',
        '--no-scratch',
        '--runtime',
        'wasm',
        '--out',
        'run-search',
      ],
      { cwd: dir },
    );
    expect(run.code, run.stderr).toBe(0);
    const m = JSON.parse(readFileSync(join(dir, 'run-search', 'metrics.json'), 'utf8')) as RunMetrics;
    expect(m.search!.rows.map((r) => r.alpha)).toEqual([0, 1]);
    const best = m.search!.rows.reduce((a, b) => (b.mean! < a.mean! ? b : a));
    expect(m.search!.chosen.alpha).toBe(best.alpha);
    expect(m.settings).toMatchObject({ alpha: best.alpha, alphaSource: 'search' });
    expect(m.models.map((e) => e.role)).toEqual(['teacher', 'teacher', 'ensemble', 'distilled']);
    expect(m.gapClosed).toEqual({ accuracy: null, logLoss: null });
  });
});
