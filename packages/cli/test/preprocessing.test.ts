import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isKdError } from '@kd/core';
import { afterAll, describe, expect, it } from 'vitest';
import type { Dataset } from '../src/data/dataset.js';
import { PREPROCESSING_FILE, preprocessingFor, readPreprocessing } from '../src/data/preprocessing.js';
import { tempDir } from './helpers.js';

const dir = tempDir('preprocessing');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Three rows of a table with a constant column (its std is taken as 1, so it stays 0 after standardising).
const table: Dataset = {
  x: new Float32Array([1, 10, 5, 2, 30, 5, 6, 20, 5]),
  y: new Float32Array([0, 1, 1]),
  rows: 3,
  featureShape: [3],
  featureNames: ['a', 'b', 'c'],
  classes: ['no', 'yes'],
  format: 'csv',
  scale: null,
};

describe('preprocessing.json', () => {
  it('reads back what the kd command writes, with the training split’s means and stds', async () => {
    const p = preprocessingFor(table, { standardize: true, label: 'y', numClasses: 2 });
    // Population mean and std per column, in float64 by hand.
    expect(p.standardize!.mean).toEqual([3, 20, 5]);
    const std = [Math.sqrt((4 + 1 + 9) / 3), Math.sqrt((100 + 100 + 0) / 3), 1];
    p.standardize!.std.forEach((s, i) => expect(s).toBeCloseTo(std[i]!, 12));
    const folder = join(dir, 'model');
    mkdirSync(folder);
    writeFileSync(join(folder, PREPROCESSING_FILE), JSON.stringify(p, null, 2) + '\n');
    expect(await readPreprocessing(folder)).toEqual(p);
    expect(await readPreprocessing(join(dir, 'no-such-folder'))).toBeUndefined();
  });

  it('refuses a file kd did not write, naming the field and what to do', async () => {
    const p = preprocessingFor(table, { standardize: false, label: 'y', numClasses: 2 });
    for (const [name, text, what] of [
      ['not-json', '{ "format": ', 'not a kd preprocessing file ('],
      ['other-format', JSON.stringify({ ...p, format: 'other' }), '"format"'],
      ['short-features', JSON.stringify({ ...p, features: ['a'] }), '"features"'],
    ] as const) {
      const folder = join(dir, name);
      mkdirSync(folder);
      writeFileSync(join(folder, PREPROCESSING_FILE), text);
      const e = await readPreprocessing(folder).catch((error: unknown) => error);
      expect(isKdError(e, 'KD_DATA_INVALID'), String(e)).toBe(true);
      expect((e as Error).message).toContain(join(folder, PREPROCESSING_FILE));
      expect((e as Error).message).toContain(what);
      expect((e as Error).message).toContain('Restore it from the run folder.');
    }
  });
});
