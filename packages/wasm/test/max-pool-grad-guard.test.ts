import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import { maxPoolGradIsSound } from '../src/kernels/max-pool-grad-guard.js';
import { registerWasmTrainingKernels } from '../src/index.js';

// Captured before @kd/wasm replaces it (this file runs in its own process).
const stock = tf.getKernel('MaxPoolGrad', 'wasm');

describe('MaxPoolGrad guard', () => {
  it("finds tfjs-backend-wasm 4.22.0's MaxPoolGrad wrong and the replacement right", async () => {
    expect(stock).toBeDefined();
    const report = registerWasmTrainingKernels();
    expect(report.guarded).toEqual(['MaxPoolGrad', 'OneHot']);
    await tf.setBackend('wasm');
    const backend = tf.backend() as BackendWasm;
    const before = backend.numDataIds();
    expect(maxPoolGradIsSound(stock, backend)).toBe(false);
    expect(maxPoolGradIsSound(tf.getKernel('MaxPoolGrad', 'wasm'), backend)).toBe(true);
    expect(backend.numDataIds()).toBe(before);
  });

  it('keeps its guard on repeated registration and routes gradients correctly', async () => {
    registerWasmTrainingKernels();
    registerWasmTrainingKernels();
    await tf.setBackend('wasm');
    // All-negative 1×2 windows: the stock kernel would send both gradients to the wrong place.
    const dx = tf.grad((x: tf.Tensor) =>
      tf.sum(tf.mul(tf.maxPool(x as tf.Tensor4D, [1, 2], [1, 2], 'valid'), tf.tensor([10, 20], [1, 1, 2, 1]))),
    )(tf.tensor([-2, -1, -4, -3], [1, 1, 4, 1]));
    expect(Array.from(dx.dataSync())).toEqual([0, 10, 0, 20]);
  });
});
