import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kd, tempDir, writeCurveCsv } from './helpers.js';

describe('Ctrl-C', () => {
  it('stops at the next batch, exits 1 and keeps the history written so far', async () => {
    const dir = tempDir('sigint');
    writeCurveCsv(join(dir, 'data.csv'), 300);
    const teachers = await kd(
      [
        'train-teacher',
        '--data',
        'data.csv',
        '--label',
        'label',
        '--model',
        'logistic',
        '--epochs',
        '1',
        '--out',
        't',
        '--runtime',
        'cpu',
      ],
      {
        cwd: dir,
      },
    );
    expect(teachers.code).toBe(0);
    const history = join(dir, 'run', 'history.jsonl');
    const run = await kd(
      [
        'distill',
        '--data',
        'data.csv',
        '--label',
        'label',
        '--teacher',
        't',
        '--student',
        'mlp:8',
        '--epochs',
        '2000',
        '--batch-size',
        '8',
        '--runtime',
        'cpu',
        '--out',
        'run',
      ],
      {
        cwd: dir,
        onStart: (child) => {
          const poll = setInterval(() => {
            if (existsSync(history) && readFileSync(history, 'utf8').split('\n').length > 2) {
              clearInterval(poll);
              child.kill('SIGINT');
            }
          }, 50);
          child.on('close', () => clearInterval(poll));
        },
      },
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/stopped before the end/);
    const lines = readFileSync(history, 'utf8').trim().split('\n');
    // Whole lines only, and far fewer than 2000 epochs.
    for (const l of lines) expect(JSON.parse(l).model).toBe('distilled');
    expect(lines.length).toBeLessThan(2000);
    expect(existsSync(join(dir, 'run', 'metrics.json'))).toBe(false);
  });
});
