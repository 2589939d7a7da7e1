import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import { registerWasmTrainingKernels } from '../src/index.js';

// Captured before @kd/wasm wraps it (this file runs in its own process).
const stock = tf.getKernel('OneHot', 'wasm');

describe('OneHot guard', () => {
  it("shows tfjs-backend-wasm 4.22.0's float32 OneHot is wrong, and gives exact one-hot rows once wrapped", async () => {
    await tf.setBackend('wasm');
    const stockFloat = tf.tidy(() => tf.oneHot(tf.tensor1d([2, 0], 'int32'), 3, 1, 0, 'float32'));
    // The stock kernel writes the int32 bits of 1 into float32: 1.4e-45, not 1.
    expect(Math.max(...(await stockFloat.data()))).toBeLessThan(1e-30);
    stockFloat.dispose();

    registerWasmTrainingKernels();
    expect(tf.getKernel('OneHot', 'wasm')).not.toBe(stock);
    const backend = tf.backend() as BackendWasm;
    const indices = tf.tensor1d([2, 0, 1], 'int32');
    const before = backend.numDataIds();
    for (const dtype of ['float32', 'int32'] as const) {
      const t = tf.oneHot(indices, 3, 5, -1, dtype);
      expect(t.dtype).toBe(dtype);
      expect(Array.from(await t.data())).toEqual([-1, -1, 5, 5, -1, -1, -1, 5, -1]);
      t.dispose();
    }
    expect(backend.numDataIds()).toBe(before);
    indices.dispose();
    registerWasmTrainingKernels();
    const again = tf.oneHot(tf.tensor1d([1], 'int32'), 2, 1, 0, 'float32');
    expect(Array.from(await again.data())).toEqual([0, 1]);
  });
});
