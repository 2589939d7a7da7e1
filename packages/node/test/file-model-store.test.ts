import { mkdtemp, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { isKdError } from '@kd/core';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FileModelStore, nodeRuntime } from '../src/index.js';

function smallModel(seed: number): tfl.LayersModel {
  const model = tfl.sequential({
    layers: [
      tfl.layers.dense({
        units: 5,
        inputShape: [3],
        activation: 'relu',
        kernelInitializer: tfl.initializers.glorotUniform({ seed }),
        biasInitializer: tfl.initializers.randomNormal({ seed: seed + 1 }),
      }),
      tfl.layers.dense({ units: 2, kernelInitializer: tfl.initializers.glorotUniform({ seed: seed + 2 }) }),
    ],
  });
  model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
  return model;
}

const input = [
  [0.5, -1, 2],
  [3, 0.25, -0.75],
];
const predict = (m: tfl.LayersModel): number[] =>
  tf.tidy(() => Array.from((m.predict(tf.tensor2d(input)) as tf.Tensor).dataSync()));

describe('FileModelStore', () => {
  let root: string;
  let tensorsBefore: number;

  beforeAll(async () => {
    await nodeRuntime().init();
  });
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'kd-models-'));
    tensorsBefore = tf.memory().numTensors;
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  });

  it('saves a model that tfjs-node reads back from file:// with the same predictions', async () => {
    const store = new FileModelStore(root);
    const model = smallModel(7);
    await model.save(store.saveHandler('student'));
    // tfjs-node's own file:// loader is an independent reader of the layout.
    const tfn = await import('@tensorflow/tfjs-node');
    const viaTfjsNode = await tfn.loadLayersModel(pathToFileURL(join(root, 'student', 'model.json')).href);
    const viaStore = await tfl.loadLayersModel(store.loadHandler('student'));
    const expected = predict(model);
    expect(predict(viaTfjsNode as unknown as tfl.LayersModel)).toEqual(expected);
    expect(predict(viaStore)).toEqual(expected);
    for (const m of [model, viaTfjsNode, viaStore]) m.dispose();
  });

  it('loads a model saved by tfjs-node, by absolute path and by file:// URL (outside the root when allowed)', async () => {
    const tfn = await import('@tensorflow/tfjs-node');
    const model = smallModel(11);
    const dir = join(root, 'from-tfjs-node');
    await model.save(`file://${dir}`);
    const store = new FileModelStore(join(root, 'elsewhere'), { allowOutsideRoot: true });
    const byPath = await tfl.loadLayersModel(store.loadHandler(dir));
    const byUrl = await tfl.loadLayersModel(store.loadHandler(pathToFileURL(join(dir, 'model.json')).href));
    expect(predict(byPath)).toEqual(predict(model));
    expect(predict(byUrl)).toEqual(predict(model));
    for (const m of [model, byPath, byUrl]) m.dispose();
    expect(tfn.getBackend()).toBe('tensorflow');
  });

  it('lists nested keys, removes them, and reports missing ones with KD_MODEL_NOT_FOUND', async () => {
    const store = new FileModelStore(root);
    const a = smallModel(1);
    await a.save(store.saveHandler('student'));
    await a.save(store.saveHandler('teachers/big'));
    a.dispose();
    expect(await store.list()).toEqual(['student', 'teachers/big']);
    await store.remove('student');
    await store.remove('never-saved');
    expect(await store.list()).toEqual(['teachers/big']);
    const error = await tfl.loadLayersModel(store.loadHandler('student')).catch((e: unknown) => e);
    expect(isKdError(error, 'KD_MODEL_NOT_FOUND')).toBe(true);
    expect((error as Error).message).toContain('teachers/big');
    expect(() => store.saveHandler('../outside')).toThrow(expect.objectContaining({ code: 'KD_INVALID_ARGUMENT' }));
  });

  it('replaces a saved model whole and leaves no temporary folders behind', async () => {
    const store = new FileModelStore(root);
    const first = smallModel(3);
    const second = smallModel(4);
    await first.save(store.saveHandler('student'));
    await second.save(store.saveHandler('student'));
    expect(await readdir(root)).toEqual(['student']);
    const loaded = await tfl.loadLayersModel(store.loadHandler('student'));
    expect(predict(loaded)).toEqual(predict(second));
    expect(predict(loaded)).not.toEqual(predict(first));
    // A folder a crashed save left behind is not a model.
    await mkdir(join(root, '.student.tmp-123-0123456789ab'));
    await writeFile(join(root, '.student.tmp-123-0123456789ab', 'model.json'), '{');
    expect(await store.list()).toEqual(['student']);
    for (const m of [first, second, loaded]) m.dispose();
  });
});
