import * as tf from '@tensorflow/tfjs-core';
import { trainFromScratch } from '@kd/core';
import { seededMlp } from '@kd/test-utils/seeded-mlp';
import { describe, expect, it } from 'vitest';
import { nodeRuntime } from '../src/index.js';

describe("kd's default Adam on tfjs-node", () => {
  it('trains to the very weights of tf.train.adam(lr, 0.9, 0.999, 1e-7), bit for bit', async () => {
    const runtime = nodeRuntime();
    await runtime.init();
    // Sizes that are no multiple of a SIMD width, so the flat vector's packets and tails fall
    // elsewhere than each variable's own would.
    const rows = 96;
    const x = tf.tensor2d(
      Array.from({ length: rows * 37 }, (_, i) => Math.sin(i * 0.37)),
      [rows, 37],
    );
    const y = tf.tensor1d(Array.from({ length: rows }, (_, i) => Number(Math.cos(i * 1.3) > 0)));
    const weights: number[][][] = [];
    const adam = tf.train.adam(0.01, 0.9, 0.999, 1e-7);
    for (const optimizer of [undefined, adam]) {
      const result = await trainFromScratch({
        runtime,
        student: seededMlp({ units: [37, 13, 5, 1], seed: 4 }),
        data: { x, y },
        epochs: 3,
        batchSize: 16,
        seed: 2,
        ...(optimizer ? { optimizer } : { learningRate: 0.01 }),
      });
      const ws = result.student.getWeights();
      weights.push(ws.map((w) => Array.from(w.dataSync())));
      tf.dispose(ws);
      result.student.dispose();
    }
    adam.dispose();
    tf.dispose([x, y]);
    expect(weights[0]).toEqual(weights[1]);
  });
});
