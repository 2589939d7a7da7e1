// The path most users come by: a Keras model converted with tensorflowjs_converter, distilled by
// the `kd` command. The fixtures were made by TensorFlow in Python (fixtures/keras-teachers).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunMetrics } from '@kd/report';
import { describe, expect, it } from 'vitest';
import { kd, tempDir } from './helpers.js';

const FIXTURES = fileURLToPath(new URL('../../../fixtures/keras-teachers/', import.meta.url));

/** Share of the most common label in data.csv: what a student that learnt nothing scores. */
function majorityRate(): number {
  const labels = readFileSync(join(FIXTURES, 'data.csv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => Number(line.split(',').at(-1)));
  const ones = labels.filter((l) => l === 1).length;
  return Math.max(ones, labels.length - ones) / labels.length;
}

async function distilFrom(format: 'layers' | 'graph', extra: string[]): Promise<RunMetrics> {
  const dir = tempDir(`keras-${format}`);
  const run = await kd(
    [
      'distill',
      '--data',
      join(FIXTURES, 'data.csv'),
      '--label',
      'label',
      '--teacher',
      join(FIXTURES, format, 'model.json'),
      ...extra,
      '--student',
      'mlp:8',
      '--epochs',
      '40',
      '--batch-size',
      '32',
      '--learning-rate',
      '0.01',
      '--no-scratch',
      '--runtime',
      'cpu',
      '--out',
      'run',
    ],
    { cwd: dir },
  );
  expect(run.code, run.stderr).toBe(0);
  for (const f of ['student/model.json', 'metrics.json', 'history.jsonl', 'report.html'])
    expect(existsSync(join(dir, 'run', f)), f).toBe(true);
  return JSON.parse(readFileSync(join(dir, 'run', 'metrics.json'), 'utf8')) as RunMetrics;
}

describe('converted Keras teachers through kd distill', () => {
  it('distils the layers model and the graph model (which outputs probabilities) into a student near the teacher', async () => {
    const layers = await distilFrom('layers', []);
    const graph = await distilFrom('graph', ['--teacher-output', 'probabilities']);
    const chance = majorityRate();
    for (const [name, m] of [
      ['layers', layers],
      ['graph', graph],
    ] as const) {
      const teacher = m.models.find((e) => e.role === 'teacher')!;
      const student = m.models.find((e) => e.role === 'distilled')!;
      // Keras reported 0.88 training accuracy on these rows (keras-predictions.json).
      expect(teacher.test.accuracy, name).toBeGreaterThan(0.8);
      expect(student.test.accuracy, name).toBeGreaterThan(chance + 0.15);
      expect(student.test.accuracy, name).toBeGreaterThan(teacher.test.accuracy - 0.1);
      expect(student.test.auc, name).toBeGreaterThan(0.8);
    }
    // One Keras model, converted two ways: the command must see the same teacher in both.
    const t = (m: RunMetrics) => m.models.find((e) => e.role === 'teacher')!.test;
    expect(t(graph).accuracy).toBe(t(layers).accuracy);
    expect(t(graph).logLoss).toBeCloseTo(t(layers).logLoss, 5);
  });
});
