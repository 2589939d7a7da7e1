import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunMetrics } from '@kd/report';
import { kd, tempDir, writeCurveCsv } from './helpers.js';
import { readCsvRows } from './load-model-files.js';
import { readFileSync } from 'node:fs';

// A converted TensorFlow graph, written by hand in the tfjs graph-model format: logit = x·w + b,
// then (for the probability graph) a Sigmoid node.
const W = [0.4, 1.5, 0, 0.00002];
const B = -0.7;

function writeGraphModel(dir: string, withSigmoid: boolean): void {
  mkdirSync(dir, { recursive: true });
  const float = { type: 'DT_FLOAT' };
  const constant = (name: string, dims: number[]) => ({
    name,
    op: 'Const',
    attr: {
      dtype: float,
      value: { tensor: { dtype: 'DT_FLOAT', tensorShape: { dim: dims.map((size) => ({ size: String(size) })) } } },
    },
  });
  const node = [
    {
      name: 'x',
      op: 'Placeholder',
      attr: { dtype: float, shape: { shape: { dim: [{ size: '-1' }, { size: '4' }] } } },
    },
    constant('w', [4, 1]),
    constant('b', [1]),
    {
      name: 'mm',
      op: 'MatMul',
      input: ['x', 'w'],
      attr: { T: float, transpose_a: { b: false }, transpose_b: { b: false } },
    },
    {
      name: 'logit',
      op: 'BiasAdd',
      input: ['mm', 'b'],
      attr: { T: float, data_format: { s: Buffer.from('NHWC').toString('base64') } },
    },
    ...(withSigmoid ? [{ name: 'prob', op: 'Sigmoid', input: ['logit'], attr: { T: float } }] : []),
  ];
  const json = {
    format: 'graph-model',
    generatedBy: 'hand-written test fixture',
    convertedBy: null,
    modelTopology: { node, library: {}, versions: { producer: 1 } },
    weightsManifest: [
      {
        paths: ['weights.bin'],
        weights: [
          { name: 'w', shape: [4, 1], dtype: 'float32' },
          { name: 'b', shape: [1], dtype: 'float32' },
        ],
      },
    ],
  };
  writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
  writeFileSync(join(dir, 'weights.bin'), new Uint8Array(Float32Array.from([...W, B]).buffer));
}

let dir: string;
beforeAll(() => {
  dir = tempDir('graph');
  writeCurveCsv(join(dir, 'curve.csv'), 300);
  writeGraphModel(join(dir, 'graph-prob'), true);
  writeGraphModel(join(dir, 'graph-logit'), false);
});

/** Accuracy and log-loss of the fixture's logistic function, in float64. */
function reference(): { accuracy: number; logLoss: number } {
  const { x, y } = readCsvRows(join(dir, 'curve.csv'), 'label');
  let right = 0;
  let loss = 0;
  x.forEach((row, i) => {
    const p = 1 / (1 + Math.exp(-(row.reduce((s, v, j) => s + v * W[j]!, 0) + B)));
    if ((p > 0.5 ? 1 : 0) === y[i]) right++;
    const q = Math.min(1 - 1e-7, Math.max(1e-7, p));
    loss -= y[i] === 1 ? Math.log(q) : Math.log(1 - q);
  });
  return { accuracy: right / y.length, logLoss: loss / y.length };
}

describe('graph-model teachers', () => {
  it('kd evaluate reads a graph model as probabilities by default (with a note) or as logits with --teacher-output', async () => {
    const ref = reference();
    const prob = await kd(
      ['evaluate', '--model', 'graph-prob', '--data', 'curve.csv', '--label', 'label', '--json', '--runtime', 'cpu'],
      { cwd: dir },
    );
    expect(prob.code, prob.stderr).toBe(0);
    const lines = prob.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines[0]).toMatchObject({ type: 'note' });
    expect(lines[0].message).toMatch(/graph model.*probabilities.*--teacher-output logits/);
    expect(lines.at(-1).metrics.accuracy).toBeCloseTo(ref.accuracy, 6);
    expect(lines.at(-1).metrics.logLoss).toBeCloseTo(ref.logLoss, 5);

    const logit = await kd(
      [
        'evaluate',
        '--model',
        'graph-logit',
        '--data',
        'curve.csv',
        '--label',
        'label',
        '--teacher-output',
        'logits',
        '--json',
        '--runtime',
        'cpu',
      ],
      { cwd: dir },
    );
    expect(logit.code, logit.stderr).toBe(0);
    const result = JSON.parse(logit.stdout.trim().split('\n').at(-1)!);
    expect(result.metrics.logLoss).toBeCloseTo(ref.logLoss, 5);
  });

  it('kd distill distils a graph-model teacher; its FLOPs are unknown', async () => {
    const run = await kd(
      [
        'distill',
        '--data',
        'curve.csv',
        '--label',
        'label',
        '--teacher',
        'graph-logit',
        '--teacher-output',
        'logits',
        '--student',
        'mlp:4',
        '--epochs',
        '2',
        '--runtime',
        'wasm',
        '--out',
        'run',
      ],
      { cwd: dir },
    );
    expect(run.code, run.stderr).toBe(0);
    const m = JSON.parse(readFileSync(join(dir, 'run', 'metrics.json'), 'utf8')) as RunMetrics;
    expect(m.models[0]).toMatchObject({ role: 'teacher', params: 5, weightBytes: 20, flopsPerSample: null });
    expect(m.models.map((e) => e.role)).toEqual(['teacher', 'distilled', 'scratch']);
  });
});
