// `kd search-alpha`: α alone, or α × T with --temperatures (searchDistillation); dead runs are
// counted per row, listed, re-initialised once and kept out of the means; an all-dead search is
// a clean error.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SearchAlphaRunResult } from '../src/index.js';
import { errorLines, kd, tempDir, writeCurveCsv } from './helpers.js';

// Inside node_modules, so the module's `import '@tensorflow/tfjs-layers'` resolves to kd's own copy.
const moduleDir = fileURLToPath(new URL('../node_modules/.kd-test/', import.meta.url));
const deadEvenSeeds = join(moduleDir, 'dead-even-seeds.mjs');
let dir: string;

beforeAll(async () => {
  dir = tempDir('search');
  writeCurveCsv(join(dir, 'curve.csv'), 200);
  // A student that learns nothing for even seeds: its ReLU layer is all zero with a negative bias,
  // so every row gets the same output and no gradient reaches the hidden weights (constant
  // predictions). Odd seeds (the re-initialisation seed + 7919 of an even one is odd) learn.
  mkdirSync(moduleDir, { recursive: true });
  writeFileSync(
    deadEvenSeeds,
    `import * as tfl from '@tensorflow/tfjs-layers';
export function createStudent({ inputShape, units, seed, name }) {
  const dead = seed % 2 === 0;
  return tfl.sequential({
    name,
    layers: [
      tfl.layers.dense({
        inputShape,
        units: 4,
        activation: 'relu',
        kernelInitializer: dead ? 'zeros' : tfl.initializers.glorotUniform({ seed }),
        biasInitializer: dead ? tfl.initializers.constant({ value: -1 }) : 'zeros',
      }),
      tfl.layers.dense({ units, kernelInitializer: dead ? 'zeros' : tfl.initializers.glorotUniform({ seed: seed + 1 }) }),
    ],
  });
}
`,
  );
  const teachers = await kd(
    [
      'train-teacher',
      '--data',
      'curve.csv',
      '--label',
      'label',
      '--standardize',
      '--model',
      'mlp:8',
      '--epochs',
      '5',
      '--runtime',
      'cpu',
      '--out',
      'teachers',
    ],
    { cwd: dir },
  );
  expect(teachers.code, teachers.stderr).toBe(0);
});

const search = [
  'search-alpha',
  '--data',
  'curve.csv',
  '--label',
  'label',
  '--standardize',
  '--teacher',
  'teachers',
  '--alphas',
  '0,1',
  '--seeds',
  '2',
  '--epochs',
  '3',
  '--learning-rate',
  '0.01',
  '--runtime',
  'cpu',
];

function resultOf(stdout: string): SearchAlphaRunResult {
  const line = stdout.split('\n').find((l) => l.includes('"type":"result"'));
  return JSON.parse(line!) as SearchAlphaRunResult;
}

const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
// The search reports the sample standard deviation (n − 1).
const std = (v: number[]) => Math.sqrt(v.reduce((a, x) => a + (x - mean(v)) ** 2, 0) / (v.length - 1));

describe('kd search-alpha --temperatures', () => {
  it('searches α × T: mean ± std per setting, the chosen point, dead runs counted, listed and re-initialised once', async () => {
    const run = await kd([...search, '--temperatures', '1,4', '--student', deadEvenSeeds, '--json'], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    const r = resultOf(run.stdout);
    expect(r.rows.map((row) => [row.alpha, row.temperature])).toEqual([
      [0, 1],
      [1, 1],
      [0, 4],
      [1, 4],
    ]);
    for (const row of r.rows) {
      // Seed 0 is dead; its re-initialisation (seed 7919) and seed 1 count.
      expect(row.dead).toBe(1);
      expect([...row.seeds].sort((a, b) => a - b)).toEqual([1, 7919]);
      expect(row.values).toHaveLength(2);
      expect(row.mean!).toBeCloseTo(mean(row.values), 10);
      expect(row.std!).toBeCloseTo(std(row.values), 10);
    }
    const best = r.rows.reduce((a, b) => (b.mean! < a.mean! ? b : a));
    expect(r.chosen).toEqual({ alpha: best.alpha, temperature: best.temperature });
    expect(r.dead).toHaveLength(4);
    for (const d of r.dead) expect(d).toMatchObject({ seed: 0, reason: 'constant-predictions', retriedWith: 7919 });
    // Progress events say which runs were dead and which re-initialised them.
    const events = run.stdout
      .split('\n')
      .filter((l) => l.includes('"type":"search-run"'))
      .map((l) => JSON.parse(l) as { seed: number; dead?: string; retryOf?: number });
    expect(events.filter((e) => e.dead)).toHaveLength(4);
    expect(events.filter((e) => e.retryOf === 0).map((e) => e.seed)).toEqual([7919, 7919, 7919, 7919]);
  });

  it('prints the table with the dead count per row, the chosen point and a line listing the dead runs', async () => {
    const run = await kd([...search, '--temperatures', '1,4', '--student', deadEvenSeeds], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toMatch(
      /^α × T search on the validation split \(\d+ rows\), val_loss \(lower is better\), mean ± std over seeds:/,
    );
    const header = lines.find((l) => /^α\s{2,}T\s/.test(l))!;
    expect(header.split(/\s{2,}/)).toEqual(['α', 'T', 'mean ± std', 'n', 'dead']);
    const rows = lines.filter((l) => /^[01]\s+[14]\s/.test(l));
    expect(rows).toHaveLength(4);
    for (const row of rows) expect(row).toMatch(/\d\.\d{4} ± \d\.\d{4}\s+2\s+1/);
    expect(rows.filter((l) => l.endsWith('← chosen'))).toHaveLength(1);
    expect(run.stdout).toMatch(/chosen: α = [01], T = [14]/);
    const dead = lines.filter((l) => l.startsWith('dead runs'));
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatch(/re-initialised once with another seed, and none is in a mean\): 4: /);
    expect(dead[0]).toContain('α 0, T 1, seed 0 (constant-predictions; re-initialised as seed 7919)');
    expect(dead[0]).toContain('α 1, T 4, seed 0 (constant-predictions; re-initialised as seed 7919)');
  });

  it('without --temperatures searches α alone at --temperature, with no dead runs for a live student', async () => {
    const run = await kd([...search, '--temperature', '2', '--student', 'logistic', '--json'], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    const r = resultOf(run.stdout);
    expect(r.rows.map((row) => [row.alpha, row.temperature, row.dead, row.seeds])).toEqual([
      [0, 2, 0, [0, 1]],
      [1, 2, 0, [0, 1]],
    ]);
    expect(r.dead).toEqual([]);
    expect(r.teacherTargets).toBe('in-fold');
  });

  it('fails cleanly when every run is dead: one line, KD_SEARCH_ALL_DEAD, exit 1', async () => {
    // Every row the same: no student can tell rows apart, so every prediction is constant.
    writeFileSync(
      join(dir, 'flat.csv'),
      'a,b,label\n' + Array.from({ length: 60 }, (_, i) => `1,2,${i % 2}`).join('\n') + '\n',
    );
    const teacher = await kd(
      [
        'train-teacher',
        '--data',
        'flat.csv',
        '--label',
        'label',
        '--model',
        'logistic',
        '--epochs',
        '1',
        '--runtime',
        'cpu',
        '--out',
        'flat-teacher',
      ],
      { cwd: dir },
    );
    expect(teacher.code, teacher.stderr).toBe(0);
    const run = await kd(
      [
        'search-alpha',
        '--data',
        'flat.csv',
        '--label',
        'label',
        '--teacher',
        'flat-teacher',
        '--student',
        'logistic',
        '--alphas',
        '0,1',
        '--temperatures',
        '1,2',
        '--epochs',
        '1',
        '--runtime',
        'cpu',
      ],
      { cwd: dir },
    );
    expect(run.code).toBe(1);
    const lines = errorLines(run).filter((l) => !l.startsWith('  search '));
    expect(lines).toEqual([
      'kd: Every student of the search learned nothing (constant predictions, or a validation log-loss stuck at chance): all 16 runs, each dead one re-initialised once with another seed (those included), so no setting can be chosen. Try a lower --learning-rate, --standardize, or another --student.',
    ]);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(run.stdout).toBe('');
  });
});
