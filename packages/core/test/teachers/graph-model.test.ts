import * as tf from '@tensorflow/tfjs-core';
import { loadGraphModel } from '@tensorflow/tfjs-converter';
import { beforeAll, describe, expect, it } from 'vitest';
import { cpuRuntime } from '../../src/cpu.js';
import { computeTeacherOutputs, distill, teacher, type KdRuntime } from '../../src/index.js';
import { denseStudent, sigmoid64, toyBinary } from '../helpers/fixtures.js';

let runtime: KdRuntime;
beforeAll(async () => {
  runtime = cpuRuntime();
  await runtime.init();
});

/**
 * A TensorFlow graph in tfjs-converter's format (what `tensorflowjs_converter` writes for a
 * SavedModel): x → MatMul(w) → BiasAdd(b) → Sigmoid, weights in a binary buffer.
 */
async function convertedGraph(w: number[], b: number) {
  const node = (name: string, op: string, input: string[] = [], attr: Record<string, unknown> = {}) => ({
    name,
    op,
    input,
    attr,
  });
  const modelTopology = {
    node: [
      node('x', 'Placeholder', [], {
        dtype: { type: 'DT_FLOAT' },
        shape: { shape: { dim: [{ size: '-1' }, { size: String(w.length) }] } },
      }),
      node('w', 'Const', [], {
        dtype: { type: 'DT_FLOAT' },
        value: { tensor: { dtype: 'DT_FLOAT', tensorShape: { dim: [{ size: String(w.length) }, { size: '1' }] } } },
      }),
      node('b', 'Const', [], {
        dtype: { type: 'DT_FLOAT' },
        value: { tensor: { dtype: 'DT_FLOAT', tensorShape: { dim: [{ size: '1' }] } } },
      }),
      node('logits', 'MatMul', ['x', 'w'], {
        T: { type: 'DT_FLOAT' },
        transpose_a: { b: false },
        transpose_b: { b: false },
      }),
      node('biased', 'BiasAdd', ['logits', 'b'], { T: { type: 'DT_FLOAT' } }),
      node('prob', 'Sigmoid', ['biased'], { T: { type: 'DT_FLOAT' } }),
    ],
    versions: { producer: 1 },
  };
  const weightData = new Float32Array([...w, b]).buffer;
  const weightSpecs = [
    { name: 'w', shape: [w.length, 1], dtype: 'float32' as const },
    { name: 'b', shape: [1], dtype: 'float32' as const },
  ];
  return loadGraphModel(tf.io.fromMemory({ modelTopology, weightSpecs, weightData, format: 'graph-model' }));
}

describe('GraphModel teachers', () => {
  it('predict a converted graph and key the cache by its weights', async () => {
    const data = toyBinary(10);
    const g = await convertedGraph([1, -2, 0.5, 3], 0.25);
    const t = teacher(g, { output: 'probabilities' });
    const out = await computeTeacherOutputs(runtime, t, data.x, { batchSize: 4 });
    const values = Array.from(await out.values.data());
    data.xs.forEach((r, i) =>
      expect(values[i]).toBeCloseTo(sigmoid64(r[0]! - 2 * r[1]! + 0.5 * r[2]! + 3 * r[3]! + 0.25), 6),
    );
    const other = teacher(await convertedGraph([1, -2, 0.5, 3], 0.5), { output: 'probabilities' });
    expect(await other.cacheKey()).not.toBe(await t.cacheKey());
    expect(() => teacher(g)).toThrow(/logits or probabilities/);
    tf.dispose([data.x, data.y, out.values]);
  });

  it('distils a converted graph into a layers student', async () => {
    const data = toyBinary(64);
    const g = await convertedGraph([2, -1, 2, -1], 0);
    const m = denseStudent(4, 0, 1, 3);
    const r = await distill({
      runtime,
      teacher: teacher(g, { output: 'probabilities' }),
      student: m,
      data: { x: data.x, y: data.y },
      alpha: 0,
      epochs: 3,
      batchSize: 16,
      optimizer: tf.train.adam(0.1),
    });
    expect(r.history[2]!.softLoss).toBeLessThan(r.history[0]!.softLoss);
    m.dispose();
    tf.dispose([data.x, data.y]);
  });
});
