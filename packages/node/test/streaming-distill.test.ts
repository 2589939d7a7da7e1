import { readdirSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { distill, fingerprintData, teacher, type KdRuntime } from '@kd/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededMlp } from '@kd/test-utils/seeded-mlp';
import { csvStream, FileTeacherCache, jsonLinesStream, nodeRuntime } from '../src/index.js';

const W = [1.5, -2, 0.5, 1];
const ROWS = 100;
const BATCH = 25;
// Deterministic rows in [-1, 1], labelled by the teacher's sign with every seventh label flipped.
const xs = Array.from({ length: ROWS }, (_, i) =>
  W.map((_, j) => Math.round(Math.sin(i * 1.7 + j * 2.3) * 1000) / 1000),
);
const logit64 = (row: number[]) => row.reduce((a, v, j) => a + v * W[j]!, 0);
const ys = xs.map((row, i) => Number(logit64(row) > 0) ^ Number(i % 7 === 0));

let dir: string;
let runtime: KdRuntime;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kd-stream-'));
  runtime = nodeRuntime({ cacheDir: join(dir, 'cache'), modelDir: join(dir, 'models') });
  await runtime.init();
  const csv = ['a,b,c,d,label', ...xs.map((row, i) => [...row, ys[i]].join(','))].join('\n');
  await writeFile(join(dir, 'train.csv.gz'), gzipSync(csv));
  await writeFile(join(dir, 'train.jsonl'), xs.map((row, i) => JSON.stringify({ f: row, label: ys[i] })).join('\n'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function student(): tfl.LayersModel {
  return seededMlp({ units: [4, 1], seed: 3 });
}

describe('streamed training from a file', () => {
  it('distils from a gzip CSV read batch by batch, with the teacher outputs on disk in the runtime cache', async () => {
    let calls = 0;
    const t = teacher(
      (x) => {
        calls++;
        return tf.matMul(x, tf.tensor2d(W, [4, 1]));
      },
      { output: 'logits', id: 'csv-linear' },
    );
    const data = await csvStream(join(dir, 'train.csv.gz'), { label: 'label', batchSize: BATCH });
    expect(data.featureNames).toEqual(['a', 'b', 'c', 'd']);
    expect(data.featureShape).toEqual([4]);
    const m = student();
    const optimizer = tf.train.sgd(0.5);
    const before = tf.memory().numTensors;
    const r = await distill({ runtime, teacher: t, student: m, data, alpha: 0.5, epochs: 4, optimizer });
    expect(r.history).toHaveLength(4);
    expect(r.history[3]!.loss).toBeLessThan(r.history[0]!.loss);
    expect(calls).toBe(ROWS / BATCH);
    expect(tf.memory().numTensors).toBe(before);

    // One cache file per batch, holding the teacher's logits for that batch's rows.
    const files = (await readdir(join(dir, 'cache'))).filter((f) => f.endsWith('.kdtc'));
    expect(files).toHaveLength(ROWS / BATCH);
    const cache = new FileTeacherCache(join(dir, 'cache'));
    for (let start = 0; start < ROWS; start += BATCH) {
      const rows = xs.slice(start, start + BATCH);
      const x = tf.tensor2d(rows);
      const entry = await cache.get(`csv-linear|${await fingerprintData(x)}`);
      x.dispose();
      expect(entry?.shape).toEqual([BATCH, 1]);
      expect(entry?.kind).toBe('logits');
      rows.forEach((row, i) => expect(Math.abs(entry!.values[i]! - logit64(row))).toBeLessThan(1e-5));
    }

    // A second run reads every batch's outputs back from disk: the teacher does not run again.
    await distill({ runtime, teacher: t, student: m, data, epochs: 1, optimizer });
    expect(calls).toBe(ROWS / BATCH);
    optimizer.dispose();
    m.dispose();
  });

  it('streams JSON lines with array-valued features the same way as the CSV', async () => {
    const fromJson = await jsonLinesStream(join(dir, 'train.jsonl'), {
      label: 'label',
      features: ['f'],
      batchSize: BATCH,
    });
    const fromCsv = await csvStream(join(dir, 'train.csv.gz'), { label: 'label', batchSize: BATCH });
    expect(fromJson.featureNames).toEqual(['f[0]', 'f[1]', 'f[2]', 'f[3]']);
    const collect = async (s: typeof fromJson) => {
      const out: Array<{ x: number[]; y: number[] }> = [];
      for await (const b of s.batches())
        out.push({ x: Array.from(b.x as Float32Array), y: Array.from(b.y as ArrayLike<number>) });
      return out;
    };
    const json = await collect(fromJson);
    expect(json).toHaveLength(ROWS / BATCH);
    expect(json).toEqual(await collect(fromCsv));
    expect(json.flatMap((b) => b.y)).toEqual(ys);
  });

  it('closes the file after reading the first batch to open a stream, gzip included', async () => {
    // Large enough that the first batch is read long before the end of the file.
    const big = ['a,label', ...Array.from({ length: 100_000 }, (_, i) => `${i},${i % 2}`)].join('\n');
    await writeFile(join(dir, 'big.csv.gz'), gzipSync(big));
    const openFiles = () => readdirSync('/proc/self/fd').length;
    const before = openFiles();
    for (let i = 0; i < 10; i++) await csvStream(join(dir, 'big.csv.gz'), { label: 'label', batchSize: 5 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(openFiles()).toBe(before);
  });

  it('rejects a file with no data rows when it is opened', async () => {
    await writeFile(join(dir, 'empty.csv'), 'a,b,label\n');
    await expect(csvStream(join(dir, 'empty.csv'), { label: 'label' })).rejects.toMatchObject({
      code: 'KD_DATA_INVALID',
    });
  });
});
