// Saving and removing never destroy what kd was not given; loading never reads outside the model folder.
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { isKdError } from '@kd/core';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { kdErrorOf } from '@kd/test-utils/kd-error';
import { FileModelStore, nodeRuntime } from '../src/index.js';

function tinyModel(): tfl.LayersModel {
  return tfl.sequential({
    layers: [tfl.layers.dense({ units: 2, inputShape: [3], kernelInitializer: 'ones', biasInitializer: 'zeros' })],
  });
}

const codeOf = async (promise: Promise<unknown>) => (await kdErrorOf(promise)).code;

describe('FileModelStore keeps what it was not given', () => {
  let base: string;
  let root: string;
  let model: tfl.LayersModel;

  beforeAll(async () => {
    await nodeRuntime().init();
  });
  beforeEach(async () => {
    base = await mkdtemp(join(tmpdir(), 'kd-store-safety-'));
    root = join(base, 'models');
    await mkdir(root);
    model = tinyModel();
  });
  afterEach(async () => {
    model.dispose();
    await rm(base, { recursive: true, force: true });
  });

  it("refuses to save over a user's regular file and leaves it unchanged", async () => {
    const store = new FileModelStore(root);
    await writeFile(join(root, 'notes'), 'my notes');
    expect(await codeOf(model.save(store.saveHandler('notes')))).toBe('KD_TARGET_EXISTS');
    expect(await readFile(join(root, 'notes'), 'utf8')).toBe('my notes');
  });

  it('refuses to save into a non-empty folder that is not a model, by relative key, absolute path and file:// URL', async () => {
    const project = join(root, 'project');
    await mkdir(join(project, 'src'), { recursive: true });
    await writeFile(join(project, 'src', 'main.ts'), 'code');
    await writeFile(join(project, 'package.json'), '{}');
    const store = new FileModelStore(root);
    for (const key of ['project', project, pathToFileURL(join(project, 'model.json')).href]) {
      expect(await codeOf(model.save(store.saveHandler(key)))).toBe('KD_TARGET_EXISTS');
    }
    expect((await readdir(project)).sort()).toEqual(['package.json', 'src']);
    expect(await readFile(join(project, 'src', 'main.ts'), 'utf8')).toBe('code');
  });

  it('never saves to or removes the store root, and the models in it survive', async () => {
    const store = new FileModelStore(root);
    await model.save(store.saveHandler('student'));
    expect(() => store.saveHandler(store.root)).toThrow(expect.objectContaining({ code: 'KD_INVALID_ARGUMENT' }));
    expect(() => store.saveHandler(pathToFileURL(store.root).href)).toThrow(
      expect.objectContaining({ code: 'KD_INVALID_ARGUMENT' }),
    );
    expect(await codeOf(store.remove(store.root))).toBe('KD_INVALID_ARGUMENT');
    for (const key of ['', '   ', 'a\u0000b', '.', 'student/..'])
      expect(() => store.saveHandler(key), JSON.stringify(key)).toThrow(
        expect.objectContaining({ code: 'KD_INVALID_ARGUMENT' }),
      );
    expect(await store.list()).toEqual(['student']);
  });

  it('confines absolute keys to the root unless allowOutsideRoot is set, and remove never deletes a folder that is not a model', async () => {
    const outside = join(base, 'important');
    await mkdir(outside);
    await writeFile(join(outside, 'thesis.tex'), 'years of work');
    const store = new FileModelStore(root);
    expect(await codeOf(store.remove(outside))).toBe('KD_INVALID_ARGUMENT');
    expect(() => store.saveHandler(outside)).toThrow(expect.objectContaining({ code: 'KD_INVALID_ARGUMENT' }));
    const anywhere = new FileModelStore(root, { allowOutsideRoot: true });
    expect(await codeOf(anywhere.remove(outside))).toBe('KD_TARGET_EXISTS');
    expect(await codeOf(model.save(anywhere.saveHandler(outside)))).toBe('KD_TARGET_EXISTS');
    expect(await readFile(join(outside, 'thesis.tex'), 'utf8')).toBe('years of work');
    // A folder inside the root holding other models is not a model either.
    await model.save(store.saveHandler('teachers/big'));
    expect(await codeOf(store.remove('teachers'))).toBe('KD_TARGET_EXISTS');
    expect(await store.list()).toEqual(['teachers/big']);
  });

  it('keeps files it did not write when it replaces or removes a model folder', async () => {
    const store = new FileModelStore(root);
    await model.save(store.saveHandler('student'));
    await writeFile(join(root, 'student', 'README.md'), 'how this model was made');
    await model.save(store.saveHandler('student'));
    await store.remove('student');
    expect(await readdir(join(root, 'student'))).toEqual(['README.md']);
    expect(await store.list()).toEqual([]);
  });

  it('refuses a key that leaves the root through a symbolic link', async () => {
    const outside = join(base, 'elsewhere');
    await mkdir(outside);
    await symlink(outside, join(root, 'link'));
    const store = new FileModelStore(root);
    expect(await codeOf(model.save(store.saveHandler('link/student')))).toBe('KD_INVALID_ARGUMENT');
    expect(await readdir(outside)).toEqual([]);
  });
});

describe('FileModelStore reads only inside the model folder', () => {
  let base: string;
  let root: string;
  const topology = { class_name: 'Sequential', config: { name: 's', layers: [] } };

  beforeAll(async () => {
    await nodeRuntime().init();
  });
  beforeEach(async () => {
    base = await mkdtemp(join(tmpdir(), 'kd-store-reads-'));
    root = join(base, 'models');
    await mkdir(join(root, 'evil'), { recursive: true });
    // 8 bytes that would load as two float32 weights if the path were followed.
    await writeFile(join(base, 'secret.bin'), Buffer.from(new Float32Array([1, 2]).buffer));
  });
  afterEach(async () => {
    await rm(base, { recursive: true, force: true });
  });

  const manifestWith = (path: string) =>
    JSON.stringify({
      modelTopology: topology,
      weightsManifest: [{ paths: [path], weights: [{ name: 'w', shape: [2], dtype: 'float32' }] }],
    });

  for (const path of [
    '../../secret.bin',
    'sub/../../../secret.bin',
    '%2e%2e/%2e%2e/secret.bin',
    '/etc/passwd',
    'file:///etc/passwd',
    'https://other.example/w.bin',
    '..\\..\\secret.bin',
  ]) {
    it(`refuses the weights path ${JSON.stringify(path)} with KD_MODEL_INVALID`, async () => {
      await writeFile(join(root, 'evil', 'model.json'), manifestWith(path));
      const store = new FileModelStore(root);
      const error = await store.loadHandler('evil').load!().catch((e: unknown) => e);
      expect(isKdError(error, 'KD_MODEL_INVALID')).toBe(true);
      expect((error as Error).message).toContain(join(root, 'evil', 'model.json'));
    });
  }

  for (const [name, text] of [
    ['null', 'null'],
    ['{}', '{}'],
    ['an array', '[1, 2]'],
    ['truncated JSON', manifestWith('w.bin').slice(0, 40)],
  ] as const) {
    it(`reports a model.json of ${name} as KD_MODEL_INVALID naming the file`, async () => {
      await writeFile(join(root, 'evil', 'model.json'), text);
      const error = await new FileModelStore(root).loadHandler('evil').load!().catch((e: unknown) => e);
      expect(isKdError(error, 'KD_MODEL_INVALID')).toBe(true);
      expect((error as Error).message).toContain(join(root, 'evil', 'model.json'));
    });
  }

  it('reports a truncated weights file as KD_MODEL_INVALID naming it', async () => {
    const store = new FileModelStore(root);
    const model = tinyModel();
    await model.save(store.saveHandler('student'));
    model.dispose();
    const weights = (await readdir(join(root, 'student'))).find((n) => n.endsWith('.bin'))!;
    const bytes = await readFile(join(root, 'student', weights));
    await writeFile(join(root, 'student', weights), bytes.subarray(0, bytes.length - 5));
    const error = await tfl.loadLayersModel(store.loadHandler('student')).catch((e: unknown) => e);
    expect(isKdError(error, 'KD_MODEL_INVALID')).toBe(true);
    expect((error as Error).message).toContain(join(root, 'student', weights));
    expect(tf.memory().numTensors).toBe(0);
  });
});
