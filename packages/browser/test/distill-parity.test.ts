import * as tf from '@tensorflow/tfjs-core';
import { distill, precomputedTeacher, type KdRuntime } from '@kd/core';
import { cpuRuntime } from '@kd/core/cpu';
import { describe, expect, it } from 'vitest';
import { browserRuntime } from '../src/index.js';
import { binaryProblem, maxRelativeError, mlp, weightsOf } from './helpers/data.js';

const ALPHA = 0.3;

interface Run {
  losses: number[];
  initial: Float64Array[];
  final: Float64Array[];
}

async function train(
  runtime: KdRuntime,
  problem: ReturnType<typeof binaryProblem>,
  options: { epochs: number; batchSize: number; shuffle: boolean },
): Promise<Run> {
  await runtime.init();
  const before = tf.memory().numTensors;
  const model = mlp([problem.x[0]!.length, 16, 1], 21);
  const initial = await weightsOf(model);
  const x = tf.tensor2d(problem.x);
  const y = tf.tensor1d(problem.y);
  const result = await distill({
    runtime,
    teacher: precomputedTeacher(Float32Array.from(problem.teacher), {
      output: 'probabilities',
      shape: [problem.y.length, 1],
    }),
    student: model,
    data: { x, y },
    alpha: ALPHA,
    seed: 3,
    ...options,
  });
  const final = await weightsOf(model);
  tf.dispose([x, y]);
  model.dispose();
  expect(tf.memory().numTensors).toBe(before);
  return { losses: result.history.map((h) => h.loss), initial, final };
}

/** The first step's loss in float64: mean BCE(α·y + (1−α)·t, σ(z)) with z from the initial weights. */
function firstLossReference(problem: ReturnType<typeof binaryProblem>, w: Float64Array[]): number {
  const [k1, b1, k2, b2] = w as [Float64Array, Float64Array, Float64Array, Float64Array];
  const hidden = b1.length;
  let sum = 0;
  problem.x.forEach((row, i) => {
    let z = b2[0]!;
    for (let h = 0; h < hidden; h++) {
      let a = b1[h]!;
      row.forEach((v, j) => (a += v * k1[j * hidden + h]!));
      z += Math.max(a, 0) * k2[h]!;
    }
    const target = ALPHA * problem.y[i]! + (1 - ALPHA) * problem.teacher[i]!;
    sum += Math.max(z, 0) - target * z + Math.log1p(Math.exp(-Math.abs(z)));
  });
  return sum / problem.x.length;
}

describe('distill on webgl matches the cpu backend', () => {
  it('per step (full-batch steps), with kd default optimizer', async () => {
    const problem = binaryProblem(128, 8, 5);
    const options = { epochs: 12, batchSize: 128, shuffle: false };
    const cpu = await train(cpuRuntime(), problem, options);
    const webgl = await train(browserRuntime(), problem, options);
    // webgl's epsilon() is 1e-4 here; kd's default Adam passes 1e-7 so both runs take the same steps.
    expect(tf.backend().epsilon()).toBe(1e-4);

    expect(
      maxRelativeError(
        [webgl.initial.flatMap((a) => Array.from(a))],
        [cpu.initial.flatMap((a) => Array.from(a))],
        1e-12,
      ),
    ).toBe(0);
    const reference = firstLossReference(problem, cpu.initial);
    expect(Math.abs(cpu.losses[0]! - reference) / reference).toBeLessThan(1e-5);
    expect(Math.abs(webgl.losses[0]! - reference) / reference).toBeLessThan(1e-5);

    const lossError = maxRelativeError([webgl.losses], [cpu.losses]);
    const weightError = maxRelativeError(webgl.final, cpu.final);
    console.log(
      `webgl vs cpu, full batch: max relative loss error ${lossError.toExponential(2)}, weights ${weightError.toExponential(2)}`,
    );
    expect(lossError).toBeLessThan(1e-4);
    expect(weightError).toBeLessThan(1e-3);
    // Training happened: the loss went down.
    expect(webgl.losses.at(-1)!).toBeLessThan(webgl.losses[0]! * 0.99);
  });

  it('per epoch with shuffled minibatches and a partial last batch', async () => {
    const problem = binaryProblem(200, 8, 9);
    const options = { epochs: 3, batchSize: 64, shuffle: true };
    const cpu = await train(cpuRuntime(), problem, options);
    const webgl = await train(browserRuntime(), problem, options);
    const lossError = maxRelativeError([webgl.losses], [cpu.losses]);
    const weightError = maxRelativeError(webgl.final, cpu.final);
    console.log(
      `webgl vs cpu, minibatches: max relative loss error ${lossError.toExponential(2)}, weights ${weightError.toExponential(2)}`,
    );
    expect(lossError).toBeLessThan(1e-4);
    expect(weightError).toBeLessThan(1e-3);
  });
});
