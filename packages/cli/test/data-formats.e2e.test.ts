import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kd, png, tempDir, writeCurveCsv } from './helpers.js';

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

describe('image folders', () => {
  it('reads class folders of images, saves the image size and scale, and evaluate reuses them', async () => {
    const dir = tempDir('images');
    for (const [name, level] of [
      ['dark', 50],
      ['light', 190],
    ] as const) {
      mkdirSync(join(dir, 'photos', name), { recursive: true });
      for (let i = 0; i < 15; i++)
        writeFileSync(
          join(dir, 'photos', name, `${i}.png`),
          png(14, 14, (x, y) => {
            const v = Math.max(0, Math.min(255, level + ((x * 7 + y * 13 + i * 29) % 60) - 30));
            return [v, v, v];
          }),
        );
    }
    const run = await kd(
      [
        'train-teacher',
        '--data',
        'photos',
        '--image-size',
        '12x12',
        '--model',
        'cnn-tiny',
        '--epochs',
        '1',
        '--runtime',
        'wasm',
        '--out',
        't',
      ],
      {
        cwd: dir,
      },
    );
    expect(run.code, run.stderr).toBe(0);
    const pre = JSON.parse(readFileSync(join(dir, 't', 'teacher-1', 'preprocessing.json'), 'utf8'));
    expect(pre).toMatchObject({
      source: 'images',
      classes: ['dark', 'light'],
      inputShape: [12, 12, 3],
      image: { height: 12, width: 12, channels: 3, scale: 1 / 255 },
    });
    const evaluated = await kd(['evaluate', '--model', 't/teacher-1', '--data', 'photos', '--runtime', 'wasm'], {
      cwd: dir,
    });
    expect(evaluated.code, evaluated.stderr).toBe(0);
    expect(evaluated.stdout).toMatch(/\s30\s/);
    // Too small for cnn-tiny's two conv + pool blocks: refused before training, in one line.
    const small = await kd(
      [
        'train-teacher',
        '--data',
        'photos',
        '--image-size',
        '8x8',
        '--model',
        'cnn-tiny',
        '--out',
        't2',
        '--runtime',
        'wasm',
      ],
      { cwd: dir },
    );
    expect(small.code).toBe(2);
    expect(small.stderr.trim()).toMatch(/^kd: cnn-tiny needs images of at least 10×10 pixels/);
  });
});
