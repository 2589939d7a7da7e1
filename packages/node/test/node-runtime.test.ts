import * as tf from '@tensorflow/tfjs-core';
import { availableParallelism } from 'node:os';
import { isKdError, type KdError } from '@kd/core';
import { describe, expect, it } from 'vitest';
import { nodeRuntime } from '../src/index.js';

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

describe('nodeRuntime', () => {
  it('brings up the native tensorflow backend and says which TensorFlow runs it', async () => {
    const runtime = nodeRuntime();
    const info = await runtime.init();
    expect(info.backend).toBe('tensorflow');
    expect(info.floatPrecision).toBe(32);
    expect(tf.getBackend()).toBe('tensorflow');
    expect(String(info.tensorflow)).toMatch(/^2\.\d+\.\d+/);
    expect(info.tfjsNode).toBe('4.22.0');
    expect(info.node).toBe(process.version);
    expect(info.threads).toBeGreaterThanOrEqual(1);
    expect(await runtime.init()).toEqual(info);
    expect(runtime.hasKernel('BatchMatMul')).toBe(true);
    expect(runtime.hasKernel('NoSuchKernel')).toBe(false);
  });

  it('computes a matMul natively', async () => {
    await nodeRuntime().init();
    const before = tf.memory().numTensors;
    const product = tf.tidy(() =>
      tf
        .matMul(
          tf.tensor2d([
            [1, 2],
            [3, 4],
          ]),
          tf.tensor2d([
            [5, 6],
            [7, 8],
          ]),
        )
        .arraySync(),
    );
    expect(product).toEqual([
      [19, 22],
      [43, 50],
    ]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('gives the gradient of mean BCE-with-logits as (sigmoid(s) - y) / N, like float64 arithmetic', async () => {
    await nodeRuntime().init();
    const s = [-4.5, -1.25, -0.1, 0, 0.3, 2.75, 7.5, -9];
    const y = [0, 1, 0, 1, 1, 0, 1, 0];
    const n = s.length;
    const before = tf.memory().numTensors;

    const [loss, grad] = tf.tidy(() => {
      const labels = tf.tensor1d(y);
      const f = (logits: tf.Tensor): tf.Scalar => tf.losses.sigmoidCrossEntropy(labels, logits) as tf.Scalar;
      const { value, grad: g } = tf.valueAndGrad(f)(tf.tensor1d(s));
      return [value.dataSync()[0] as number, Array.from(g.dataSync())];
    });

    // float64 references: the stable closed form of BCE with logits, and its derivative.
    const lossRef =
      s.reduce((acc, si, i) => acc + Math.max(si, 0) - si * (y[i] as number) + Math.log1p(Math.exp(-Math.abs(si))), 0) /
      n;
    const gradRef = s.map((si, i) => (sigmoid(si) - (y[i] as number)) / n);
    expect(Math.abs(loss - lossRef)).toBeLessThan(1e-6 * Math.max(1, lossRef));
    grad.forEach((g, i) => expect(Math.abs(g - (gradRef[i] as number))).toBeLessThan(1e-7));
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('nodeRuntime options are checked when the runtime is created', () => {
  const cores = availableParallelism();
  // Only the factory runs here: TensorFlow itself aborts the process on threads: -1 and hangs on 100000.
  it.each([
    [{ threads: -1 }, 'threads'],
    [{ threads: 0 }, 'threads'],
    [{ threads: 1.5 }, 'threads'],
    [{ threads: 100000 }, 'threads'],
    [{ threads: cores + 1 }, 'threads'],
    [{ threads: 'abc' as unknown as number }, 'threads'],
    [{ threads: NaN }, 'threads'],
    [{ cachePrecision: 'float8' as never }, 'cachePrecision'],
    [{ modelDir: 42 as unknown as string }, 'modelDir'],
    [{ quietNativeLogs: 'no' as unknown as boolean }, 'quietNativeLogs'],
    [{ onednn: 'off' as unknown as boolean }, 'onednn'],
    [{ models: {} as never }, 'models'],
    [{ thread: 2 } as never, 'thread'],
  ])('%j is rejected with KD_INVALID_ARGUMENT naming %s, before anything starts', (options, named) => {
    const before = process.env.TF_NUM_INTRAOP_THREADS;
    const onednnBefore = process.env.TF_ENABLE_ONEDNN_OPTS;
    let error: unknown;
    try {
      nodeRuntime(options);
    } catch (e) {
      error = e;
    }
    expect(isKdError(error, 'KD_INVALID_ARGUMENT')).toBe(true);
    expect((error as KdError).message).toContain(named);
    expect(process.env.TF_NUM_INTRAOP_THREADS).toBe(before);
    expect(process.env.TF_ENABLE_ONEDNN_OPTS).toBe(onednnBefore);
  });

  it('accepts a thread count from 1 to the number of cores', () => {
    expect(() => nodeRuntime({ threads: 1 })).not.toThrow();
    expect(() => nodeRuntime({ threads: cores })).not.toThrow();
  });
});
