import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { distill, teacher, type DistillResult, type KdRuntime } from '@kd/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeRuntime } from '../src/index.js';

const W = [1.5, -2, 0.5, 1];
const ROWS = 64;
const xs = Array.from({ length: ROWS }, (_, i) => W.map((_, j) => Math.sin(i * 1.3 + j * 0.7)));
const ys = xs.map((row) => Number(row.reduce((a, v, j) => a + v * W[j]!, 0) > 0));

let dir: string;
let cacheDir: string;
let runtime: KdRuntime;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kd-rebuild-'));
  cacheDir = join(dir, 'cache');
  runtime = nodeRuntime({ cacheDir, modelDir: join(dir, 'models') });
  await runtime.init();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function student(): tfl.LayersModel {
  return tfl.sequential({
    layers: [
      tfl.layers.dense({ inputShape: [4], units: 1, kernelInitializer: tfl.initializers.glorotUniform({ seed: 5 }) }),
    ],
  });
}

/** Same losses, finite, up to native TensorFlow's float32 summation order (a few ulp). */
function expectSameLosses(a: { history: Array<{ loss: number }> }, b: { history: Array<{ loss: number }> }): void {
  expect(a.history).toHaveLength(b.history.length);
  a.history.forEach((h, i) => {
    const expected = b.history[i]!.loss;
    expect(Number.isFinite(h.loss) && Number.isFinite(expected)).toBe(true);
    expect(Math.abs(h.loss - expected)).toBeLessThanOrEqual(1e-6 * Math.abs(expected));
  });
}

describe('a teacher-cache entry damaged on disk', () => {
  it('is rebuilt by the next distill run, which trains as the first did', async () => {
    let teacherCalls = 0;
    // Logits up to ~±10^5: beyond float16, as in the divergence the float16 cache caused.
    const t = teacher(
      (x) => {
        teacherCalls++;
        return tf.mul(tf.matMul(x, tf.tensor2d(W, [4, 1])), 1e5);
      },
      { output: 'logits', id: 'rebuild-teacher-v1' },
    );
    const x = tf.tensor2d(xs);
    const y = tf.tensor1d(ys);
    const run = async (): Promise<{ result: DistillResult; calls: number }> => {
      const before = teacherCalls;
      const model = student();
      try {
        const result = await distill({
          runtime,
          teacher: t,
          student: model,
          data: { x, y },
          epochs: 2,
          batchSize: 16,
          temperature: 1e5,
          optimizer: tf.train.sgd(0.1),
        });
        return { result, calls: teacherCalls - before };
      } finally {
        model.dispose();
      }
    };
    try {
      const first = await run();
      expect(first.calls).toBeGreaterThan(0);
      const files = (await readdir(cacheDir)).filter((n) => n.endsWith('.kdtc'));
      expect(files).toHaveLength(1);
      const path = join(cacheDir, files[0]!);

      // One flipped bit in the stored values, as disk damage would leave it.
      const bytes = await readFile(path);
      bytes[bytes.length - 3] = (bytes[bytes.length - 3] as number) ^ 0x04;
      await writeFile(path, bytes);

      const second = await run();
      expect(second.calls).toBe(first.calls); // the teacher ran again instead of training on damage
      expectSameLosses(second.result, first.result);

      const third = await run();
      expect(third.calls).toBe(0); // the rebuilt entry serves the next run
      expectSameLosses(third.result, first.result);
    } finally {
      tf.dispose([x, y]);
    }
  });

  it('a float16 cache keeps teacher logits beyond ±65504, so a cached run trains like a fresh one', async () => {
    const cache16 = nodeRuntime({ cacheDir: join(dir, 'cache16'), cachePrecision: 'float16' });
    await cache16.init();
    const t = teacher((x) => tf.mul(tf.matMul(x, tf.tensor2d(W, [4, 1])), 1e5), {
      output: 'logits',
      id: 'large-logits-v1',
    });
    const x = tf.tensor2d(xs);
    const y = tf.tensor1d(ys);
    const losses: number[][] = [];
    try {
      for (let i = 0; i < 2; i++) {
        const model = student();
        const r = await distill({
          runtime: cache16,
          teacher: t,
          student: model,
          data: { x, y },
          epochs: 2,
          batchSize: 16,
          temperature: 1e5,
          optimizer: tf.train.sgd(0.1),
        });
        losses.push(r.history.map((h) => h.loss));
        model.dispose();
      }
    } finally {
      tf.dispose([x, y]);
    }
    expectSameLosses(
      { history: losses[1]!.map((loss) => ({ loss })) },
      { history: losses[0]!.map((loss) => ({ loss })) },
    );
  });
});
