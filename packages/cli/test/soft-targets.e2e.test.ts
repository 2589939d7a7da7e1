// Every kd distill run measures the soft targets it trains on (the training rows, at its T) and
// warns once when they are nearly the labels.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { softTargetSharpness } from '@kd/core';
import { cpuRuntime } from '@kd/core/cpu';
import type { RunMetrics } from '@kd/report';
import { beforeAll, describe, expect, it } from 'vitest';
import { prepareData } from '../src/index.js';
import { kd, tempDir } from './helpers.js';
import { loadLayersFolder } from './load-model-files.js';

let dir: string;
let logits: number[];
let labels: Float32Array;

beforeAll(async () => {
  dir = tempDir('soft');
  // Two classes far apart along x1: a logistic teacher trained hard gives targets within a hair of 0 and 1.
  let s = 11;
  const random = () => ((s = (s * 48271) % 2147483647), s / 2147483647);
  const rows = ['x1,x2,label'];
  for (let i = 0; i < 200; i++) {
    const label = i % 2;
    rows.push(`${((label ? 1 : -1) * (1 + 2 * random())).toFixed(4)},${(random() * 2 - 1).toFixed(4)},${label}`);
  }
  writeFileSync(join(dir, 'apart.csv'), rows.join('\n') + '\n');
  const run = await kd(
    [
      'train-teacher',
      '--data',
      'apart.csv',
      '--label',
      'label',
      '--standardize',
      '--model',
      'logistic',
      '--epochs',
      '40',
      '--learning-rate',
      '0.3',
      '--runtime',
      'cpu',
      '--out',
      'teachers',
    ],
    { cwd: dir },
  );
  expect(run.code, run.stderr).toBe(0);
  // The teacher's logits on the training rows, computed here from the saved files.
  await cpuRuntime().init();
  const data = await prepareData({ data: join(dir, 'apart.csv'), label: 'label', standardize: true });
  const model = await loadLayersFolder(join(dir, 'teachers', 'teacher-1'));
  const x = tf.tensor2d(data.train.x, [data.train.rows, 2]);
  const out = model.predict(x) as tf.Tensor;
  logits = Array.from(await out.data());
  tf.dispose([x, out]);
  model.dispose();
  labels = data.train.y;
});

const distill = (temperature: number, out: string) =>
  kd(
    [
      'distill',
      '--data',
      'apart.csv',
      '--label',
      'label',
      '--standardize',
      '--teacher',
      'teachers',
      '--student',
      'logistic',
      '--epochs',
      '2',
      '--no-scratch',
      '--temperature',
      String(temperature),
      '--runtime',
      'cpu',
      '--out',
      out,
    ],
    { cwd: dir },
  );
const metricsOf = (out: string) => JSON.parse(readFileSync(join(dir, out, 'metrics.json'), 'utf8')) as RunMetrics;
const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

describe('soft-target diagnostics of kd distill', () => {
  it('records them in metrics.json, prints them, and warns once when the targets are nearly the labels', async () => {
    const run = await distill(1, 'run-t1');
    expect(run.code, run.stderr).toBe(0);
    const want = softTargetSharpness(logits.map(sigmoid), labels);
    expect(want.nearlyLabels).toBe(true);
    const got = metricsOf('run-t1').diagnostics.softTargets;
    expect(got).toMatchObject({ nearlyLabels: true, targets: 'in-fold', temperature: 1, rows: labels.length });
    expect(got.meanAbsGap).toBeCloseTo(want.meanAbsGap, 5);
    expect(got.meanEntropy).toBeCloseTo(want.meanEntropy, 5);
    expect(got.softShare).toBe(want.softShare);

    const warnings = run.stderr.split('\n').filter((l) => l.startsWith('warning: '));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /the soft targets are nearly the labels \(mean \|t − y\| = 0\.0\d{3} < 0\.02 .* at T = 1\)/,
    );
    expect(warnings[0]).toMatch(/kd train-teacher --folds 5 .*higher --temperature/);
    // The summary table holds the same numbers.
    const table = run.stdout.split('\n');
    const row = table[table.findIndex((l) => l.startsWith('soft targets (training rows)')) + 2]!;
    expect(row).toMatch(
      new RegExp(
        `^in-fold \\(teachers' own outputs\\)\\s+1\\s+${got.meanAbsGap.toFixed(4)}\\s+${got.meanEntropy.toFixed(4)}\\s+${(got.softShare * 100).toFixed(1)}%\\s+yes$`,
      ),
    );
    // And the report carries them.
    expect(readFileSync(join(dir, 'run-t1', 'report.html'), 'utf8')).toContain(`"meanAbsGap":${got.meanAbsGap}`);
  });

  it('measures the targets at the run’s temperature: softer at T = 4, and no warning', async () => {
    const run = await distill(4, 'run-t4');
    expect(run.code, run.stderr).toBe(0);
    const want = softTargetSharpness(
      logits.map((v) => sigmoid(v / 4)),
      labels,
    );
    const got = metricsOf('run-t4').diagnostics.softTargets;
    expect(got.temperature).toBe(4);
    expect(got.meanAbsGap).toBeCloseTo(want.meanAbsGap, 5);
    expect(got.meanEntropy).toBeCloseTo(want.meanEntropy, 5);
    expect(got.nearlyLabels).toBe(false);
    expect(run.stderr).not.toMatch(/^warning: /m);
  });
});
