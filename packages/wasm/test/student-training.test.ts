import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { useBackend, wasmDataIds } from './helpers/backends.js';
import { convStudent, lossAndGradients, STUDENTS, type StudentSpec } from './helpers/students.js';

/**
 * Gradients agree when each differs from cpu's by at most 5e-5 of the variable's largest
 * gradient (float32 sums in another order). The scale never drops below 1% of the model's
 * largest gradient: a bias followed by batch normalization has a gradient that is zero up to
 * rounding, and its rounding noise is not a disagreement.
 */
function expectSameGradients(wasm: Float32Array[], cpu: Float32Array[], label: string): void {
  expect(wasm.length, label).toBe(cpu.length);
  const largest = (g: Float32Array) => Math.max(...Array.from(g, Math.abs));
  const floor = 0.01 * Math.max(...cpu.map(largest));
  cpu.forEach((want, v) => {
    const got = wasm[v] as Float32Array;
    const scale = Math.max(largest(want), floor);
    const worst = Math.max(...Array.from(want, (w, i) => Math.abs((got[i] as number) - w)));
    expect(worst / scale, `${label}: variable ${v} (${want.length} values)`).toBeLessThan(5e-5);
  });
}

async function gradientsOn(backend: 'cpu' | 'wasm', spec: StudentSpec) {
  await useBackend(backend);
  const model = spec.build();
  const result = lossAndGradients(spec, model, 100);
  model.dispose();
  return result;
}

describe('students train on wasm with the gradients cpu computes', () => {
  for (const spec of STUDENTS) {
    it(`every trainable variable of the ${spec.name} student`, async () => {
      const cpu = await gradientsOn('cpu', spec);
      const wasm = await gradientsOn('wasm', spec);
      expect(Math.abs(wasm.loss - cpu.loss)).toBeLessThan(1e-5 * (1 + Math.abs(cpu.loss)));
      expect(cpu.grads.some((g) => g.some((v) => v !== 0))).toBe(true);
      expectSameGradients(wasm.grads, cpu.grads, spec.name);
    });
  }
});

/** Per-step losses of `steps` optimizer steps on the conv student, one fixed batch per step. */
async function trajectory(
  backend: 'cpu' | 'wasm',
  makeOptimizer: () => tf.Optimizer,
  steps: number,
): Promise<number[]> {
  await useBackend(backend);
  const spec = STUDENTS[0] as StudentSpec;
  const tensorsBefore = tf.memory().numTensors;
  const model = convStudent();
  const optimizer = makeOptimizer();
  const losses: number[] = [];
  let tensorsAfterFirst = 0;
  let buffersAfterFirst = 0;
  for (let step = 0; step < steps; step++) {
    const { x, y } = spec.batch(200 + (step % 5));
    const loss = optimizer.minimize(
      () => tf.mean(spec.loss(y, model.apply(x, { training: true }) as tf.Tensor)) as tf.Scalar,
      true,
    );
    losses.push((loss as tf.Scalar).dataSync()[0] as number);
    tf.dispose([x, y, loss as tf.Scalar]);
    if (step === 0) {
      // The optimizer creates its slot variables on the first step.
      tensorsAfterFirst = tf.memory().numTensors;
      buffersAfterFirst = backend === 'wasm' ? wasmDataIds() : 0;
    }
  }
  expect(tf.memory().numTensors, `${backend}: tensors after step 1 vs step ${steps}`).toBe(tensorsAfterFirst);
  if (backend === 'wasm') expect(wasmDataIds(), 'wasm buffers after step 1 vs last').toBe(buffersAfterFirst);
  optimizer.dispose();
  model.dispose();
  expect(tf.memory().numTensors).toBe(tensorsBefore);
  return losses;
}

describe('a 20-step training run on wasm follows cpu', () => {
  const optimizers: Array<[string, () => tf.Optimizer]> = [
    ['SGD', () => tf.train.sgd(0.1)],
    ['Adam', () => tf.train.adam(0.01, 0.9, 0.999, 1e-7)],
  ];
  for (const [name, make] of optimizers) {
    it(`${name}: per-step losses match and nothing leaks`, async () => {
      const cpu = await trajectory('cpu', make, 20);
      const wasm = await trajectory('wasm', make, 20);
      expect(cpu[19]).toBeLessThan(cpu[0] as number); // it does learn
      wasm.forEach((l, i) =>
        expect(Math.abs(l - (cpu[i] as number)), `step ${i + 1}: wasm ${l} cpu ${cpu[i]}`).toBeLessThan(
          1e-4 * (1 + Math.abs(cpu[i] as number)),
        ),
      );
    });
  }
});
