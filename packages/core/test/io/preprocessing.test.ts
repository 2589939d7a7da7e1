import { describe, expect, it } from 'vitest';
import { isKdError, type Preprocessing } from '../../src/index.js';
import { parsePreprocessing, PREPROCESSING_FILE, PREPROCESSING_VERSION } from '../../src/internal.js';

const FIX = 'Write it again.';

// What the kd command writes (its preprocessingFor, saved with JSON.stringify(p, null, 2)) for each
// kind of data: a standardised CSV table, IDX images, an image folder, a JSON-lines table as read.
const written: Record<string, Preprocessing> = {
  csv: {
    format: 'kd-preprocessing',
    version: 1,
    source: 'csv',
    features: ['sepal_length', 'sepal_width', 'petal_length'],
    label: 'species',
    classes: ['setosa', 'versicolor', 'virginica'],
    numClasses: 3,
    inputShape: [3],
    image: null,
    standardize: {
      mean: [5.843333333333334, 3.0573333333333337, 3.758],
      std: [0.8253012917851409, 0.4344109677354946, 1],
    },
  },
  idx: {
    format: 'kd-preprocessing',
    version: 1,
    source: 'idx',
    features: null,
    label: 'train-labels-idx1-ubyte.gz',
    classes: ['T-shirt/top', 'Shirt'],
    numClasses: 2,
    inputShape: [28, 28, 1],
    image: { height: 28, width: 28, channels: 1, scale: 1 / 255 },
    standardize: null,
  },
  images: {
    format: 'kd-preprocessing',
    version: 1,
    source: 'images',
    features: null,
    label: null,
    classes: ['cat', 'dog'],
    numClasses: 2,
    inputShape: [2, 2, 3],
    image: { height: 2, width: 2, channels: 3, scale: 1 / 255 },
    standardize: {
      mean: Array.from({ length: 12 }, (_, i) => i / 24),
      std: Array.from({ length: 12 }, (_, i) => 0.1 + i),
    },
  },
  jsonl: {
    format: 'kd-preprocessing',
    version: 1,
    source: 'jsonl',
    features: ['a', 'b'],
    label: 'y',
    classes: null,
    numClasses: 2,
    inputShape: [2],
    image: null,
    standardize: null,
  },
};

/** The error `parsePreprocessing` raises for `value`. */
function rejection(value: unknown): Error {
  try {
    parsePreprocessing(value, 'model/preprocessing.json', FIX);
  } catch (e) {
    expect(isKdError(e, 'KD_DATA_INVALID'), String(e)).toBe(true);
    return e as Error;
  }
  throw new Error(`accepted ${JSON.stringify(value)}`);
}

describe('preprocessing.json', () => {
  it('reads back what the kd command writes, field for field (the file the browser loader reads)', () => {
    expect(PREPROCESSING_FILE).toBe('preprocessing.json');
    expect(PREPROCESSING_VERSION).toBe(1);
    for (const [kind, p] of Object.entries(written)) {
      const text = JSON.stringify(p, null, 2) + '\n';
      const read = parsePreprocessing(JSON.parse(text), `${kind}/${PREPROCESSING_FILE}`, FIX);
      // Every double survives: the reader standardises with exactly the writer's means and stds.
      expect(read, kind).toEqual(p);
    }
  });

  it('names the file, the first field that is wrong and what to do', () => {
    const csv = written.csv!;
    const cases: Array<[unknown, string]> = [
      [null, 'not a JSON object'],
      [[1, 2], '"format"'],
      [{ ...csv, format: 'other' }, '"format" is "other"'],
      [{ ...csv, version: 2 }, '"version" is 2'],
      [{ ...csv, source: 'parquet' }, '"source" is "parquet"'],
      [{ ...csv, inputShape: [] }, '"inputShape"'],
      [{ ...csv, inputShape: [2.5] }, '"inputShape"'],
      [{ ...csv, features: ['a', 'b'] }, '"features" must be null or 3 column names'],
      [{ ...written.idx!, image: { height: 28, width: 28, channels: 1, scale: 0 } }, '"image" must be null'],
      [{ ...written.idx!, image: { height: 28, width: 28, channels: 3, scale: 1 } }, 'disagrees with "inputShape"'],
      [{ ...csv, standardize: { mean: [0, 0], std: [1, 1] } }, '"standardize" must be null or { mean, std } with 3'],
      [{ ...csv, standardize: { mean: [0, 0, Number.NaN], std: [1, 1, 1] } }, '"standardize"'],
      [{ ...csv, standardize: { mean: [0, 0, 0], std: [1, 0, 1] } }, '"standardize.std" holds a value ≤ 0'],
      [{ ...csv, numClasses: 0 }, '"numClasses"'],
    ];
    for (const [value, field] of cases) {
      const e = rejection(value);
      expect(e.message).toContain('model/preprocessing.json is not a kd preprocessing file: ');
      expect(e.message).toContain(field);
      expect(e.message.endsWith(`. ${FIX}`), e.message).toBe(true);
    }
  });
});
