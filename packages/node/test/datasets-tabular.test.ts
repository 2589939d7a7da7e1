import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import * as tf from '@tensorflow/tfjs-core';
import { isKdError } from '@kd/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CsvRecordParser } from '../src/datasets/csv-record-parser.js';
import {
  csvBatches,
  jsonLinesBatches,
  nodeRuntime,
  readCsv,
  readCsvFeatures,
  readJsonLines,
  readJsonLinesFeatures,
} from '../src/index.js';

let dir: string;
beforeAll(async () => {
  await nodeRuntime().init();
  dir = await mkdtemp(join(tmpdir(), 'kd-data-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const CSV =
  'id,age,"note, with comma",income,label\r\n1,30,"said ""hi""\nthen left",1.5,1\n2,41,,-2.25,0\n\n3,29,x,1e3,1\n4,50,y,0.125,0\n5,33,"",7,1';

describe('CSV', () => {
  it('parses RFC 4180 the same whatever the chunking', () => {
    const whole = new CsvRecordParser();
    const all = [...whole.push(CSV), ...whole.end()].map((r) => r.fields);
    const bytewise = new CsvRecordParser();
    const pieces: string[][] = [];
    for (const c of CSV) pieces.push(...bytewise.push(c).map((r) => r.fields));
    pieces.push(...bytewise.end().map((r) => r.fields));
    expect(pieces).toEqual(all);
    expect(all).toEqual([
      ['id', 'age', 'note, with comma', 'income', 'label'],
      ['1', '30', 'said "hi"\nthen left', '1.5', '1'],
      ['2', '41', '', '-2.25', '0'],
      ['3', '29', 'x', '1e3', '1'],
      ['4', '50', 'y', '0.125', '0'],
      ['5', '33', '', '7', '1'],
    ]);
  });

  it('reads chosen columns into [N, F] and [N] tensors, gzip or not', async () => {
    await writeFile(join(dir, 'a.csv'), CSV);
    await writeFile(join(dir, 'a.csv.gz'), gzipSync(CSV));
    const before = tf.memory().numTensors;
    for (const file of ['a.csv', 'a.csv.gz']) {
      const data = await readCsv(join(dir, file), { label: 'label', features: ['age', 'income'] });
      expect(data.featureNames).toEqual(['age', 'income']);
      expect(data.x.shape).toEqual([5, 2]);
      expect(Array.from(data.x.dataSync())).toEqual([30, 1.5, 41, -2.25, 29, 1000, 50, 0.125, 33, 7]);
      expect(Array.from(data.y.dataSync())).toEqual([1, 0, 1, 0, 1]);
      tf.dispose([data.x, data.y]);
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('streams in batches, maps class names, and reads files without a header', async () => {
    await writeFile(join(dir, 'b.csv'), 'f1;f2;kind\n1;2;cat\n3;4;dog\n5;6;cat\n');
    const batches = [];
    for await (const b of csvBatches(join(dir, 'b.csv'), {
      label: 'kind',
      classes: ['cat', 'dog'],
      delimiter: ';',
      batchSize: 2,
    }))
      batches.push(b);
    expect(batches.map((b) => b.rows)).toEqual([2, 1]);
    expect(Array.from(batches[0]!.x)).toEqual([1, 2, 3, 4]);
    expect(Array.from(batches[1]!.y)).toEqual([0]);
    expect(Array.from(batches[0]!.y)).toEqual([0, 1]);

    await writeFile(join(dir, 'c.csv'), '0.5,1\n1.5,0\n');
    const noHeader = await readCsv(join(dir, 'c.csv'), { label: 1, header: false });
    expect(Array.from(noHeader.x.dataSync())).toEqual([0.5, 1.5]);
    tf.dispose([noHeader.x, noHeader.y]);
  });

  it('names the line and column of bad data', async () => {
    const expectError = async (text: string, options: Parameters<typeof readCsv>[1], code: string, pattern: RegExp) => {
      await writeFile(join(dir, 'bad.csv'), text);
      const error = await readCsv(join(dir, 'bad.csv'), options).catch((e: unknown) => e);
      expect(isKdError(error, code as never)).toBe(true);
      expect((error as Error).message).toMatch(pattern);
    };
    await expectError(
      'a,b,label\n1,2,0\n3,oops,1\n',
      { label: 'label' },
      'KD_DATA_INVALID',
      /line 3, column 2 \("b"\).*"oops"/,
    );
    await expectError('a,b,label\n1,2,0\n3,1\n', { label: 'label' }, 'KD_DATA_INVALID', /line 3 has 2 fields/);
    await expectError('a,b\n1,2\n', { label: 'label' }, 'KD_DATA_INVALID', /no label column "label"/);
    await expectError('a,label\n1,cat\n', { label: 'label' }, 'KD_DATA_INVALID', /classes/);
    await expectError('a,label\n1,cow\n', { label: 'label', classes: ['cat'] }, 'KD_LABEL_RANGE', /"cow"/);
    await expectError('a,label\n1,"0\n', { label: 'label' }, 'KD_DATA_INVALID', /quoted field/);
  });
});

describe('JSON lines', () => {
  it('reads numbers and flattened arrays, gzip or not, in batches', async () => {
    const text = '{"x":[1,2],"w":0.5,"y":1}\r\n{"x":[3,4],"w":-1,"y":0}\n\n{"x":[5,6],"w":2,"y":1}';
    await writeFile(join(dir, 'a.jsonl'), text);
    await writeFile(join(dir, 'a.jsonl.gz'), gzipSync(text));
    for (const file of ['a.jsonl', 'a.jsonl.gz']) {
      const data = await readJsonLines(join(dir, file), { label: 'y', features: ['x', 'w'] });
      expect(data.featureNames).toEqual(['x[0]', 'x[1]', 'w']);
      expect(Array.from(data.x.dataSync())).toEqual([1, 2, 0.5, 3, 4, -1, 5, 6, 2]);
      expect(Array.from(data.y.dataSync())).toEqual([1, 0, 1]);
      tf.dispose([data.x, data.y]);
    }
    const sizes = [];
    for await (const b of jsonLinesBatches(join(dir, 'a.jsonl'), { label: 'y', features: ['w'], batchSize: 2 }))
      sizes.push(b.rows);
    expect(sizes).toEqual([2, 1]);
  });

  it('reports invalid JSON and arrays of changing length', async () => {
    await writeFile(join(dir, 'b.jsonl'), '{"x":[1,2],"y":1}\n{"x":[1],"y":0}\n');
    const error = await readJsonLines(join(dir, 'b.jsonl'), { label: 'y', features: ['x'] }).catch((e: unknown) => e);
    expect(isKdError(error, 'KD_DATA_INVALID')).toBe(true);
    expect((error as Error).message).toMatch(/line 2.*1 values; the first row had 2/);
    await writeFile(join(dir, 'c.jsonl'), '{"x":1,"y":1}\n{"x":2,"y":\n');
    const error2 = await readJsonLines(join(dir, 'c.jsonl'), { label: 'y', features: ['x'] }).catch((e: unknown) => e);
    expect((error2 as Error).message).toMatch(/line 2 is not valid JSON/);
  });
});

describe('rows without labels', () => {
  it('reads the feature columns of a CSV whose label column is empty, absent or filled', async () => {
    await writeFile(join(dir, 'u1.csv'), 'b,a,label\n1,2,\n3,4,\n');
    await writeFile(join(dir, 'u2.csv'), 'a,b\n5,6\n');
    await writeFile(join(dir, 'u3.csv.gz'), gzipSync('a,label,b\n7,yes,8\n'));
    const before = tf.memory().numTensors;
    const one = await readCsvFeatures(join(dir, 'u1.csv'), { features: ['a', 'b'] });
    expect(one.featureNames).toEqual(['a', 'b']);
    expect(one.columns).toEqual(['b', 'a', 'label']);
    expect(one.rows).toBe(2);
    expect(Array.from(one.x.dataSync())).toEqual([2, 1, 4, 3]);
    const two = await readCsvFeatures(join(dir, 'u2.csv'));
    expect(two.featureNames).toEqual(['a', 'b']);
    expect(Array.from(two.x.dataSync())).toEqual([5, 6]);
    const three = await readCsvFeatures(join(dir, 'u3.csv.gz'), { features: ['a', 'b'] });
    expect(three.columns).toEqual(['a', 'label', 'b']);
    expect(Array.from(three.x.dataSync())).toEqual([7, 8]);
    tf.dispose([one.x, two.x, three.x]);
    expect(tf.memory().numTensors).toBe(before);
    const missing = await readCsvFeatures(join(dir, 'u2.csv'), { features: ['a', 'c'] }).catch((e: unknown) => e);
    expect(isKdError(missing, 'KD_DATA_INVALID')).toBe(true);
    expect((missing as Error).message).toMatch(/has no feature column "c"; its columns are "a", "b"/);
    // The labelled readers still insist on a label, so a forgotten one is never read as "no labels".
    const unlabelled = csvBatches(join(dir, 'u2.csv'), {} as never);
    const noLabel = await unlabelled.next().catch((e: unknown) => e);
    expect(isKdError(noLabel, 'KD_INVALID_ARGUMENT')).toBe(true);
    expect((noLabel as Error).message).toMatch(/For rows without labels use readCsvFeatures/);
  });

  it('reads the feature keys of JSON lines, other keys not read', async () => {
    await writeFile(join(dir, 'u.jsonl'), '{"p":[1,2],"q":3,"label":"?"}\n{"p":[4,5],"q":6}\n');
    const before = tf.memory().numTensors;
    const rows = await readJsonLinesFeatures(join(dir, 'u.jsonl'), { features: ['q', 'p'] });
    expect(rows.featureNames).toEqual(['q', 'p[0]', 'p[1]']);
    expect(rows.x.shape).toEqual([2, 3]);
    expect(Array.from(rows.x.dataSync())).toEqual([3, 1, 2, 6, 4, 5]);
    rows.x.dispose();
    expect(tf.memory().numTensors).toBe(before);
    const noFeatures = await readJsonLinesFeatures(join(dir, 'u.jsonl'), { features: [] }).catch((e: unknown) => e);
    expect(isKdError(noFeatures, 'KD_INVALID_ARGUMENT')).toBe(true);
  });
});
