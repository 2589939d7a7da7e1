import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kd, tempDir, writeCurveCsv } from './helpers.js';

describe('data formats', () => {
  it('reads JSON lines with --features, and text labels with --classes', async () => {
    const dir = tempDir('jsonl');
    writeCurveCsv(join(dir, 'rows.csv'), 200);
    const [, ...lines] = readFileSync(join(dir, 'rows.csv'), 'utf8').trim().split('\n');
    const jsonl = lines.map((l) => {
      const [x1, x2, noise, income, label] = l.split(',').map(Number);
      return JSON.stringify({ x1, x2, noise, income, answer: label === 1 ? 'yes' : 'no' });
    });
    writeFileSync(join(dir, 'rows.jsonl'), jsonl.join('\n') + '\n');
    const run = await kd(
      [
        'train-teacher',
        '--data',
        'rows.jsonl',
        '--label',
        'answer',
        '--classes',
        'no,yes',
        '--features',
        'x2,x1',
        '--model',
        'logistic',
        '--epochs',
        '1',
        '--runtime',
        'cpu',
        '--out',
        't',
      ],
      { cwd: dir },
    );
    expect(run.code, run.stderr).toBe(0);
    const pre = JSON.parse(readFileSync(join(dir, 't', 'teacher-1', 'preprocessing.json'), 'utf8'));
    expect(pre).toMatchObject({
      source: 'jsonl',
      features: ['x2', 'x1'],
      classes: ['no', 'yes'],
      numClasses: 2,
      inputShape: [2],
    });
    // evaluate takes the feature order and classes from preprocessing.json.
    const evaluated = await kd(
      ['evaluate', '--model', 't/teacher-1', '--data', 'rows.jsonl', '--label', 'answer', '--runtime', 'cpu'],
      { cwd: dir },
    );
    expect(evaluated.code, evaluated.stderr).toBe(0);
    expect(evaluated.stdout).toMatch(/t\/teacher-1\/model\.json\s+200\s/);
    expect(existsSync(join(dir, 't', 'kd-run.json'))).toBe(true);
  });
});
