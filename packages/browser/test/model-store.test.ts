import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kdErrorOf } from '@kd/test-utils/kd-error';
import { commands } from 'vitest/browser';
import { BrowserModelStore, browserRuntime } from '../src/index.js';
import { mlp } from './helpers/data.js';

const xs = [
  [0.3, -1.2, 0.8, 2.0],
  [-0.5, 0.1, 0.0, -1.7],
  [1.1, 0.9, -0.4, 0.25],
];

async function predictions(model: tfl.LayersModel): Promise<Float32Array> {
  const out = tf.tidy(() => model.predict(tf.tensor2d(xs)) as tf.Tensor);
  const values = (await out.data()) as Float32Array;
  out.dispose();
  return values;
}

describe('BrowserModelStore', () => {
  const store = new BrowserModelStore();
  let model: tfl.LayersModel;
  let expected: Float32Array;

  beforeAll(async () => {
    await browserRuntime().init();
    model = mlp([4, 8, 2], 11);
    expected = await predictions(model);
  });
  afterAll(async () => {
    for (const key of await store.list()) if (key.includes('kd-test-')) await store.remove(key);
    model.dispose();
  });

  for (const key of ['indexeddb://kd-test-student', 'localstorage://kd-test-student']) {
    it(`saves to ${key.split(':')[0]} and loads a model that predicts identically`, async () => {
      const before = tf.memory().numTensors;
      await model.save(store.saveHandler(key));
      expect(await store.list()).toContain(key);
      const loaded = await tfl.loadLayersModel(store.loadHandler(key));
      expect(Array.from(await predictions(loaded))).toEqual(Array.from(expected));
      loaded.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it('treats a bare name as an IndexedDB key and removes models', async () => {
    await model.save(store.saveHandler('kd-test-bare'));
    expect(await store.list()).toContain('indexeddb://kd-test-bare');
    await store.remove('kd-test-bare');
    expect(await store.list()).not.toContain('indexeddb://kd-test-bare');
    await store.remove('kd-test-bare'); // removing what is not there is not an error
  });

  it('reports a missing model as KD_MODEL_NOT_FOUND', async () => {
    const e = await kdErrorOf(tfl.loadLayersModel(store.loadHandler('indexeddb://kd-test-missing')));
    expect(e.code).toBe('KD_MODEL_NOT_FOUND');
    expect(e.message).toMatch(/kd-test-missing/);
  });

  it('downloads model.json and weights that load back (as a user would pick them) and predict identically', async () => {
    await commands.startDownloadCapture();
    await model.save(store.saveHandler('downloads://kd-test-student'));
    const files = await commands.takeDownloads(2);
    expect(files.map((f) => f.name).sort()).toEqual(['kd-test-student.json', 'kd-test-student.weights.bin']);
    const asFile = (name: string) => {
      const f = files.find((d) => d.name === name)!;
      return new File([Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0))], name);
    };
    const loaded = await tfl.loadLayersModel(
      tf.io.browserFiles([asFile('kd-test-student.json'), asFile('kd-test-student.weights.bin')]),
    );
    expect(Array.from(await predictions(loaded))).toEqual(Array.from(expected));
    loaded.dispose();
  });

  it('refuses what the page cannot do, with a hint', async () => {
    expect((await kdErrorOf(() => store.loadHandler('downloads://x'))).message).toMatch(/tf\.io\.browserFiles/);
    expect((await kdErrorOf(() => store.saveHandler('https://example.com/model.json'))).code).toBe(
      'KD_INVALID_ARGUMENT',
    );
    expect((await kdErrorOf(() => store.saveHandler('file://model'))).message).toMatch(/scheme/);
    expect((await kdErrorOf(() => store.remove('downloads://x'))).code).toBe('KD_INVALID_ARGUMENT');
  });
});
