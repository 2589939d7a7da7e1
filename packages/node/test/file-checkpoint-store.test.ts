import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Checkpoint } from '@kd/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kdErrorOf } from '@kd/test-utils/kd-error';
import { fileCheckpointStore } from '../src/index.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'kd-file-checkpoint-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

const checkpoint = (step: number): Checkpoint => ({
  meta: JSON.stringify({ step }),
  tensors: [
    { name: 'w', dtype: 'float32', shape: [2, 2], values: Float32Array.of(0.1, -2.5, 3e-8, step) },
    { name: 'iter', dtype: 'int32', shape: [], values: Int32Array.of(step) },
  ],
});

const codeOf = async (promise: Promise<unknown>) => (await kdErrorOf(promise)).code;

describe('fileCheckpointStore', () => {
  it('reads nothing from a folder that does not exist, and creates nothing', async () => {
    const dir = join(root, 'absent');
    expect(await fileCheckpointStore(dir).readLatest()).toBeUndefined();
    await expect(readdir(dir)).rejects.toThrow();
  });

  it('gives back exactly what was written, and the newer of two writes', async () => {
    const store = fileCheckpointStore(join(root, 'round-trip'));
    await store.write(checkpoint(1));
    await store.write(checkpoint(2));
    const back = await store.readLatest();
    expect(back?.meta).toBe(checkpoint(2).meta);
    expect(back?.tensors.map((t) => [t.name, t.dtype, t.shape, Array.from(t.values)])).toEqual([
      ['w', 'float32', [2, 2], Array.from(Float32Array.of(0.1, -2.5, 3e-8, 2))],
      ['iter', 'int32', [], [2]],
    ]);
    expect(await readdir(join(root, 'round-trip'))).toEqual(['checkpoint.kdckpt']);
  });

  it('removes temporary files a crash left behind, and nothing else', async () => {
    const dir = join(root, 'leftovers');
    const store = fileCheckpointStore(dir);
    await store.write(checkpoint(1));
    await writeFile(join(dir, '.checkpoint.kdckpt.4242-0123456789ab.tmp'), 'half a checkpoint');
    await writeFile(join(dir, 'notes.txt'), 'mine');
    await store.write(checkpoint(2));
    expect((await readdir(dir)).sort()).toEqual(['checkpoint.kdckpt', 'notes.txt']);
    expect(await readFile(join(dir, 'notes.txt'), 'utf8')).toBe('mine');
  });

  it('reports a truncated or altered checkpoint as KD_CHECKPOINT_CORRUPT', async () => {
    const dir = join(root, 'corrupt');
    const store = fileCheckpointStore(dir);
    await store.write(checkpoint(3));
    const file = join(dir, 'checkpoint.kdckpt');
    const bytes = await readFile(file);
    await writeFile(file, bytes.subarray(0, bytes.length - 10));
    expect(await codeOf(store.readLatest())).toBe('KD_CHECKPOINT_CORRUPT');
    bytes[20] = bytes[20]! ^ 0xff;
    await writeFile(file, bytes);
    expect(await codeOf(store.readLatest())).toBe('KD_CHECKPOINT_CORRUPT');
  });

  it('never overwrites a checkpoint.kdckpt that is not a kd checkpoint, nor writes into a file', async () => {
    const dir = join(root, 'foreign');
    const store = fileCheckpointStore(dir);
    await store.write(checkpoint(1));
    await writeFile(join(dir, 'checkpoint.kdckpt'), 'someone else’s file');
    expect(await codeOf(store.write(checkpoint(2)))).toBe('KD_INVALID_ARGUMENT');
    expect(await readFile(join(dir, 'checkpoint.kdckpt'), 'utf8')).toBe('someone else’s file');
    const aFile = join(root, 'a-file');
    await writeFile(aFile, 'x');
    expect(await codeOf(fileCheckpointStore(aFile).write(checkpoint(1)))).toBe('KD_INVALID_ARGUMENT');
    expect(await readFile(aFile, 'utf8')).toBe('x');
  });
});
