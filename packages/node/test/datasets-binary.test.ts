import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import * as tf from '@tensorflow/tfjs-core';
import { isKdError } from '@kd/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeRuntime, readIdx, readIdxDataset, readImageFolder, readImages } from '../src/index.js';

let dir: string;
beforeAll(async () => {
  await nodeRuntime().init();
  dir = await mkdtemp(join(tmpdir(), 'kd-bin-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** An IDX file written from the format's description: 0, 0, type, rank, big-endian dims, big-endian values. */
function idx(
  type: number,
  shape: number[],
  values: number[],
  bytesPer: number,
  put: (v: DataView, at: number, x: number) => void,
): Uint8Array {
  const out = new Uint8Array(4 + 4 * shape.length + values.length * bytesPer);
  const view = new DataView(out.buffer);
  out.set([0, 0, type, shape.length]);
  shape.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  values.forEach((x, i) => put(view, 4 + 4 * shape.length + i * bytesPer, x));
  return out;
}

describe('IDX', () => {
  it('reads images and labels, gzip or not, scaled and with a channel axis', async () => {
    const pixels = [0, 255, 51, 102, 10, 20, 30, 40, 200, 100, 0, 5];
    const images = idx(0x08, [3, 2, 2], pixels, 1, (v, at, x) => v.setUint8(at, x));
    const labels = idx(0x08, [3], [7, 0, 9], 1, (v, at, x) => v.setUint8(at, x));
    await writeFile(join(dir, 'img.idx'), images);
    await writeFile(join(dir, 'img.idx.gz'), gzipSync(images));
    await writeFile(join(dir, 'lab.idx.gz'), gzipSync(labels));
    const before = tf.memory().numTensors;
    for (const file of ['img.idx', 'img.idx.gz']) {
      const data = await readIdxDataset({ images: join(dir, file), labels: join(dir, 'lab.idx.gz') });
      expect(data.x.shape).toEqual([3, 2, 2, 1]);
      Array.from(data.x.dataSync()).forEach((v, i) => expect(v).toBeCloseTo((pixels[i] as number) / 255, 7));
      expect(Array.from(data.y.dataSync())).toEqual([7, 0, 9]);
      tf.dispose([data.x, data.y]);
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('reads big-endian int16 and float32 values', async () => {
    await writeFile(
      join(dir, 'i16.idx'),
      idx(0x0b, [3], [-2, 300, 32767], 2, (v, at, x) => v.setInt16(at, x, false)),
    );
    await writeFile(
      join(dir, 'f32.idx'),
      idx(0x0d, [2, 1], [1.5, -0.25], 4, (v, at, x) => v.setFloat32(at, x, false)),
    );
    expect(await readIdx(join(dir, 'i16.idx'))).toEqual({
      values: new Int16Array([-2, 300, 32767]),
      shape: [3],
      type: 'int16',
    });
    expect(await readIdx(join(dir, 'f32.idx'))).toEqual({
      values: new Float32Array([1.5, -0.25]),
      shape: [2, 1],
      type: 'float32',
    });
  });

  it('rejects truncated files and mismatched pairs', async () => {
    const full = idx(0x08, [2, 2], [1, 2, 3, 4], 1, (v, at, x) => v.setUint8(at, x));
    await writeFile(join(dir, 'cut.idx'), full.subarray(0, full.length - 1));
    const error = await readIdx(join(dir, 'cut.idx')).catch((e: unknown) => e);
    expect(isKdError(error, 'KD_DATA_INVALID')).toBe(true);
    await writeFile(join(dir, 'two.idx'), full);
    await writeFile(
      join(dir, 'three-labels.idx'),
      idx(0x08, [3], [1, 2, 3], 1, (v, at, x) => v.setUint8(at, x)),
    );
    const mismatch = await readIdxDataset({
      images: join(dir, 'two.idx'),
      labels: join(dir, 'three-labels.idx'),
    }).catch((e: unknown) => e);
    expect(isKdError(mismatch, 'KD_SHAPE_MISMATCH')).toBe(true);
  });
});

describe('image folders', () => {
  it('reads class folders of PNGs into [N, H, W, C] with labels in class order', async () => {
    await nodeRuntime().init();
    const tfn = await import('@tensorflow/tfjs-node');
    // 2×2 RGB images, encoded by TensorFlow's PNG encoder (PNG is lossless).
    const red = [255, 0, 0, 255, 0, 0, 255, 0, 0, 255, 0, 0];
    const mixed = [0, 51, 102, 153, 204, 255, 1, 2, 3, 250, 128, 64];
    const png = async (px: number[]) => tfn.node.encodePng(tfn.tensor3d(px, [2, 2, 3], 'int32'));
    await mkdir(join(dir, 'photos', 'cat'), { recursive: true });
    await mkdir(join(dir, 'photos', 'dog'), { recursive: true });
    await writeFile(join(dir, 'photos', 'cat', 'a.png'), await png(red));
    await writeFile(join(dir, 'photos', 'dog', 'b.png'), await png(mixed));
    await writeFile(join(dir, 'photos', 'dog', 'notes.txt'), 'not an image');
    const before = tf.memory().numTensors;
    const data = await readImageFolder(join(dir, 'photos'), { size: [2, 2] });
    expect(data.classes).toEqual(['cat', 'dog']);
    expect(data.x.shape).toEqual([2, 2, 2, 3]);
    const expected = [...red, ...mixed].map((v) => v / 255);
    Array.from(data.x.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(expected[i] as number, 6));
    expect(Array.from(data.y.dataSync())).toEqual([0, 1]);
    const grey = await readImageFolder(join(dir, 'photos'), { size: [1, 1], channels: 1, classes: ['dog'] });
    expect(grey.x.shape).toEqual([1, 1, 1, 1]);
    tf.dispose([data.x, data.y, grey.x, grey.y]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it("reads a folder of images without labels: its own images, then its subfolders', in path order", async () => {
    const tfn = await import('@tensorflow/tfjs-node');
    const png = async (v: number) => tfn.node.encodePng(tfn.tensor3d(new Array(12).fill(v), [2, 2, 3], 'int32'));
    await mkdir(join(dir, 'pool', 'b-folder'), { recursive: true });
    await mkdir(join(dir, 'pool', 'a-folder'), { recursive: true });
    await writeFile(join(dir, 'pool', 'z.png'), await png(51));
    await writeFile(join(dir, 'pool', 'b-folder', 'one.png'), await png(102));
    await writeFile(join(dir, 'pool', 'a-folder', 'two.png'), await png(255));
    await writeFile(join(dir, 'pool', 'readme.txt'), 'not an image');
    const before = tf.memory().numTensors;
    const pool = await readImages(join(dir, 'pool'), { size: [1, 1], channels: 1 });
    expect(pool.files.map((f) => f.slice(join(dir, 'pool').length + 1).replace(/\\/g, '/'))).toEqual([
      'a-folder/two.png',
      'b-folder/one.png',
      'z.png',
    ]);
    expect(pool.x.shape).toEqual([3, 1, 1, 1]);
    Array.from(pool.x.dataSync()).forEach((v, i) => expect(v).toBeCloseTo([1, 0.4, 0.2][i]!, 6));
    pool.x.dispose();
    expect(tf.memory().numTensors).toBe(before);
    await mkdir(join(dir, 'empty-pool', 'sub'), { recursive: true });
    const error = await readImages(join(dir, 'empty-pool'), { size: [1, 1] }).catch((e: unknown) => e);
    expect(isKdError(error, 'KD_DATA_INVALID')).toBe(true);
    expect((error as Error).message).toMatch(/has no images .* in it or in its subfolders/);
  });
});
