import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { kdErrorOf } from '@kd/test-utils/kd-error';
import { browserRuntime, loadTeacher } from '../src/index.js';

// The weights test/fixtures/write-http-teachers.mjs wrote, restated here as the reference.
const LAYERS_KERNEL = [0.5, -1, 2];
const LAYERS_BIAS = 0.25;
const GRAPH_KERNEL = [
  [1, -1],
  [0.5, 2],
  [-0.25, 0.75],
];
const GRAPH_BIAS = [0.1, -0.2];

const rows = [
  [0.3, -1.2, 0.8],
  [-0.5, 0.1, 0.0],
  [1.1, 0.9, -0.4],
  [2.0, -2.0, 1.5],
  [-1.0, -0.3, -0.7],
];

describe('loadTeacher over HTTP', () => {
  beforeAll(async () => {
    await browserRuntime().init();
  });

  it('loads a tfjs-layers teacher and reads its output kind from the last activation', async () => {
    const before = tf.memory().numTensors;
    const teacher = await loadTeacher('/test/fixtures/http-teacher-layers/model.json');
    expect(teacher.format).toBe('layers-model');
    expect(teacher.output).toBe('probabilities');
    const x = tf.tensor2d(rows);
    const out = await teacher.predictDataset(x, { batchSize: 2 });
    expect(out.shape).toEqual([5, 1]);
    const got = await out.data();
    rows.forEach((r, i) => {
      const z = r.reduce((s, v, j) => s + v * LAYERS_KERNEL[j]!, LAYERS_BIAS);
      expect(got[i]!).toBeCloseTo(1 / (1 + Math.exp(-z)), 6);
    });
    expect(await teacher.cacheKey()).toMatch(/^layers-/);
    tf.dispose([x, out]);
    teacher.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('loads a TensorFlow graph model with tfjs-converter', async () => {
    const before = tf.memory().numTensors;
    const teacher = await loadTeacher('/test/fixtures/http-teacher-graph/model.json', { output: 'logits' });
    expect(teacher.format).toBe('graph-model');
    const x = tf.tensor2d(rows);
    const out = await teacher.predictDataset(x, { batchSize: 4 });
    expect(out.shape).toEqual([5, 2]);
    const got = await out.data();
    rows.forEach((r, i) =>
      [0, 1].forEach((k) => {
        const z = r.reduce((s, v, j) => s + v * GRAPH_KERNEL[j]![k]!, GRAPH_BIAS[k]!);
        expect(Math.abs(got[i * 2 + k]! - z)).toBeLessThan(1e-5 * Math.max(1, Math.abs(z)));
      }),
    );
    tf.dispose([x, out]);
    teacher.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('asks whether a graph model outputs logits or probabilities', async () => {
    const e = await kdErrorOf(loadTeacher('/test/fixtures/http-teacher-graph/model.json'));
    expect(e.code).toBe('KD_TEACHER_INVALID');
    expect(e.message).toMatch(/output: 'logits'/);
  });

  it('reports a missing URL as KD_MODEL_NOT_FOUND', async () => {
    const e = await kdErrorOf(loadTeacher('/test/fixtures/no-such-teacher/model.json'));
    expect(e.code).toBe('KD_MODEL_NOT_FOUND');
  });

  it('loads a teacher from an IndexedDB key too', async () => {
    const fromHttp = await loadTeacher('/test/fixtures/http-teacher-layers/model.json');
    const model = fromHttp.model as unknown as { save(h: string): Promise<unknown> };
    await model.save('indexeddb://kd-test-teacher');
    const again = await loadTeacher('indexeddb://kd-test-teacher');
    expect(await again.cacheKey()).toBe(await fromHttp.cacheKey());
    fromHttp.dispose();
    again.dispose();
    await tf.io.removeModel('indexeddb://kd-test-teacher');
  });
});
