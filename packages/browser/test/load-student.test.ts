import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { isKdError, type KdError } from '@kd/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { browserRuntime, loadStudent, type StudentPreprocessing } from '../src/index.js';

// A student served from memory: loadStudent downloads through the `fetch` it is given, so each test
// states the files of the folder it serves and sees which URLs were asked for.
const ORIGIN = 'https://models.example';

type Files = Record<string, string | Uint8Array>;

function server(files: Files) {
  const asked: string[] = [];
  const fetch = (async (input: RequestInfo | URL) => {
    const url = String(input);
    asked.push(url);
    const path = new URL(url).pathname;
    const body = files[path];
    if (body === undefined) return new Response('not found', { status: 404 });
    return new Response(body as BodyInit, { status: 200 });
  }) as typeof globalThis.fetch;
  return { fetch, asked };
}

async function failure(p: Promise<unknown>): Promise<KdError> {
  try {
    await p;
  } catch (e) {
    if (isKdError(e)) return e;
    throw e;
  }
  throw new Error('expected a KdError');
}

/** model.json and weights.bin of a one-layer student with the given kernel and bias, as tfjs saves it. */
async function denseStudent(options: {
  inputShape: number[];
  kernel: number[];
  bias: number;
  activation: 'linear' | 'sigmoid';
  /** Quantise the weights to uint8 with this min and scale (the bytes are then the kernel values as given). */
  uint8?: { min: number; scale: number };
}) {
  const layers: tfl.layers.Layer[] = [];
  if (options.inputShape.length > 1) layers.push(tfl.layers.flatten({ inputShape: options.inputShape }));
  layers.push(
    tfl.layers.dense({
      units: 1,
      activation: options.activation,
      ...(layers.length === 0 ? { inputShape: options.inputShape } : {}),
    }),
  );
  const model = tfl.sequential({ layers });
  let artifacts!: tf.io.ModelArtifacts;
  await model.save(tf.io.withSaveHandler(async (a) => ((artifacts = a), { modelArtifactsInfo: {} as never })));
  model.dispose();
  const specs = artifacts.weightSpecs!;
  let weights: Uint8Array;
  if (options.uint8) {
    // The kernel values are the uint8 codes q; tfjs reads them back as min + scale × q.
    weights = Uint8Array.from([...options.kernel, options.bias]);
    for (const s of specs) s.quantization = { dtype: 'uint8', min: options.uint8.min, scale: options.uint8.scale };
  } else {
    weights = new Uint8Array(new Float32Array([...options.kernel, options.bias]).buffer);
  }
  const modelJson = {
    modelTopology: artifacts.modelTopology,
    weightsManifest: [{ paths: ['weights.bin'], weights: specs }],
  };
  return { modelJson, weights };
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

describe('loadStudent', () => {
  beforeAll(async () => {
    await browserRuntime().init();
  });

  const tablePreprocessing: StudentPreprocessing = {
    format: 'kd-preprocessing',
    version: 1,
    source: 'csv',
    features: ['a', 'b', 'c'],
    label: 'y',
    classes: ['no', 'yes'],
    numClasses: 2,
    inputShape: [3],
    image: null,
    standardize: { mean: [1, 2, 3], std: [2, 4, 0.5] },
  };
  const kernel = [0.5, -1, 2];
  const bias = 0.25;
  const rows = [
    [0.3, -1.2, 0.8],
    [3.0, 2.0, 3.5],
    [1.1, 0.9, -0.4],
  ];
  /** P(class 1) in float64: the saved standardisation, then the layer, then a sigmoid on its logit. */
  const reference = (row: number[], w = kernel, b = bias) =>
    sigmoid(
      row.reduce(
        (s, v, i) =>
          s + w[i]! * ((v - tablePreprocessing.standardize!.mean[i]!) / tablePreprocessing.standardize!.std[i]!),
        b,
      ),
    );

  async function tableFolder(
    extra: Partial<Parameters<typeof denseStudent>[0]> = {},
    preprocessing: unknown = tablePreprocessing,
  ) {
    const { modelJson, weights } = await denseStudent({
      inputShape: [3],
      kernel,
      bias,
      activation: 'linear',
      ...extra,
    });
    return server({
      '/s/model.json': JSON.stringify(modelJson),
      '/s/weights.bin': weights,
      ...(preprocessing === null ? {} : { '/s/preprocessing.json': JSON.stringify(preprocessing) }),
    });
  }

  it('applies the saved standardisation and turns a logit into [1 − p, p], for rows in order and rows by name', async () => {
    const { fetch } = await tableFolder();
    const student = await loadStudent(`${ORIGIN}/s/model.json`, { fetch });
    expect(student.inputShape).toEqual([3]);
    expect(student.output).toBe('logits');
    expect(student.classes).toEqual(['no', 'yes']);
    const before = tf.memory().numTensors;
    const batch = await student.predict(Float32Array.from(rows.flat()));
    expect(batch.rows).toBe(3);
    expect(batch.numClasses).toBe(2);
    rows.forEach((row, r) => {
      const p = reference(row);
      expect(batch.probabilities[r * 2 + 1]).toBeCloseTo(p, 5);
      expect(batch.probabilities[r * 2]).toBeCloseTo(1 - p, 5);
      expect(batch.labels[r]).toBe(p > 0.5 ? 1 : 0);
    });
    // Named columns in another order land in the saved feature order.
    const named = await student.predict({ c: 0.8, a: 0.3, b: -1.2 });
    expect(named.probabilities[1]).toBeCloseTo(reference(rows[0]!), 5);
    expect(tf.memory().numTensors).toBe(before);
    const missing = await failure(student.predict({ a: 1, b: 2 }));
    expect(missing.code).toBe('KD_DATA_INVALID');
    expect(missing.message).toContain('c');
    student.dispose();
  });

  it('expands uint8-quantised weights as min + scale × code', async () => {
    const min = -1.5;
    const scale = 0.02;
    const codes = [100, 20, 200, 90];
    const { fetch } = await tableFolder({ kernel: codes.slice(0, 3), bias: codes[3]!, uint8: { min, scale } });
    const student = await loadStudent(`${ORIGIN}/s/model.json`, { fetch });
    const w = codes.slice(0, 3).map((q) => min + scale * q);
    const b = min + scale * codes[3]!;
    expect(student.download.weights).toBe(4);
    const { probabilities } = await student.predict(rows[1]!);
    expect(probabilities[1]).toBeCloseTo(reference(rows[1]!, w, b), 5);
    student.dispose();
  });

  it('resizes, converts and scales images as saved: pixel bytes, ImageData and a canvas', async () => {
    const pre: StudentPreprocessing = {
      ...tablePreprocessing,
      source: 'idx',
      features: null,
      inputShape: [2, 2, 1],
      image: { height: 2, width: 2, channels: 1, scale: 1 / 255 },
      standardize: null,
    };
    const k = [1, -2, 0.5, 3];
    const { modelJson, weights } = await denseStudent({
      inputShape: [2, 2, 1],
      kernel: k,
      bias: -1,
      activation: 'sigmoid',
    });
    const { fetch } = server({
      '/img/model.json': JSON.stringify(modelJson),
      '/img/weights.bin': weights,
      '/img/preprocessing.json': JSON.stringify(pre),
    });
    const student = await loadStudent(`${ORIGIN}/img/model.json`, { fetch });
    expect(student.output).toBe('probabilities');
    const pixels = [0, 255, 51, 102];
    const expected = sigmoid(pixels.reduce((s, v, i) => s + k[i]! * (v / 255), -1));
    const fromBytes = await student.predict({ data: Uint8Array.from(pixels), width: 2, height: 2 });
    expect(fromBytes.probabilities[1]).toBeCloseTo(expected, 5);

    // RGBA ImageData of grey pixels: the luma of grey is the grey level.
    const rgba = new Uint8ClampedArray(pixels.flatMap((v) => [v, v, v, 255]));
    const fromImageData = await student.predict(new ImageData(rgba, 2, 2));
    expect(fromImageData.probabilities[1]).toBeCloseTo(expected, 4);

    // A 4×4 canvas of one grey level is resized to 2×2 of that level.
    const canvas = document.createElement('canvas');
    canvas.width = 4;
    canvas.height = 4;
    const ctx = canvas.getContext('2d')!;
    ctx.fillStyle = 'rgb(153, 153, 153)';
    ctx.fillRect(0, 0, 4, 4);
    const flat = await student.predict(canvas);
    expect(flat.probabilities[1]).toBeCloseTo(sigmoid(k.reduce((s, w) => s + w * 0.6, -1)), 4);

    // Two images in one call are two rows.
    const two = await student.predict([{ data: Uint8Array.from(pixels), width: 2, height: 2 }, canvas]);
    expect(two.rows).toBe(2);
    const wrongSize = await failure(student.predict({ data: new Uint8Array(3), width: 2, height: 2 }));
    expect(wrongSize.code).toBe('KD_SHAPE_MISMATCH');
    student.dispose();
  });

  it('refuses weight paths that leave the model folder, before downloading them', async () => {
    const { modelJson, weights } = await denseStudent({ inputShape: [3], kernel, bias, activation: 'linear' });
    for (const path of [
      '../secret.bin',
      '/weights.bin',
      'https://elsewhere.example/w.bin',
      '%2e%2e/w.bin',
      'sub/../../w.bin',
      '//elsewhere.example/w.bin',
      '',
    ]) {
      const { fetch, asked } = server({
        '/s/model.json': JSON.stringify({
          ...modelJson,
          weightsManifest: [{ ...modelJson.weightsManifest[0], paths: [path] }],
        }),
        '/secret.bin': weights,
        '/w.bin': weights,
      });
      const e = await failure(loadStudent(`${ORIGIN}/s/model.json`, { fetch }));
      expect(e.code, path).toBe('KD_STUDENT_INVALID');
      expect(e.message).toContain('outside the model');
      expect(asked).toEqual([`${ORIGIN}/s/model.json`]);
    }
    // A weight file in a sub-folder of the model's folder is fine.
    const { fetch } = server({
      '/s/model.json': JSON.stringify({
        ...modelJson,
        weightsManifest: [{ ...modelJson.weightsManifest[0], paths: ['parts/w.bin'] }],
      }),
      '/s/parts/w.bin': weights,
    });
    const ok = await loadStudent(`${ORIGIN}/s/model.json`, { fetch });
    expect(ok.preprocessing).toBeNull();
    ok.dispose();
  });

  it('without preprocessing.json takes features as they are and refuses images', async () => {
    const { fetch } = await tableFolder({}, null);
    const student = await loadStudent(`${ORIGIN}/s/model.json`, { fetch });
    expect(student.preprocessing).toBeNull();
    const { probabilities } = await student.predict([1, 2, 3]);
    expect(probabilities[1]).toBeCloseTo(sigmoid(0.5 * 1 - 2 + 6 + 0.25), 5);
    const e = await failure(student.predict({ data: new Uint8Array(3), width: 3, height: 1 }));
    expect(e.code).toBe('KD_INVALID_ARGUMENT');
    expect(e.message).toContain('preprocessing.json');
    student.dispose();
  });

  it('names what is wrong in a bad preprocessing.json, a shape that disagrees, a missing file', async () => {
    for (const [bad, field] of [
      [{ ...tablePreprocessing, format: 'other' }, '"format"'],
      [{ ...tablePreprocessing, standardize: { mean: [0, 0, 0], std: [1, 0, 1] } }, 'std'],
      [{ ...tablePreprocessing, features: ['a', 'b'] }, '"features"'],
    ] as const) {
      const { fetch } = await tableFolder({}, bad);
      const e = await failure(loadStudent(`${ORIGIN}/s/model.json`, { fetch }));
      expect(e.code).toBe('KD_DATA_INVALID');
      expect(e.message).toContain(field);
    }
    const other = { ...tablePreprocessing, inputShape: [4], features: ['a', 'b', 'c', 'd'], standardize: null };
    const { fetch } = await tableFolder({}, other);
    expect((await failure(loadStudent(`${ORIGIN}/s/model.json`, { fetch }))).code).toBe('KD_SHAPE_MISMATCH');
    const empty = server({});
    const notFound = await failure(loadStudent(`${ORIGIN}/none/model.json`, { fetch: empty.fetch }));
    expect(notFound.code).toBe('KD_MODEL_NOT_FOUND');
    expect(notFound.message).toContain('404');
  });
});
