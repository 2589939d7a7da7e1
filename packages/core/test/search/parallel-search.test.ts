import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpuRuntime } from '../../src/cpu.js';
import { isKdError, searchAlpha, teacher, type KdRuntime, type SearchAlphaOptions } from '../../src/index.js';
import { denseStudent, toyBinary } from '../helpers/fixtures.js';

let runtime: KdRuntime;
const train = toyBinary(90, 4, 3);
const val = toyBinary(40, 4, 4);
const t = teacher((x) => tf.matMul(x, tf.tensor2d([[2], [-1], [2], [-1]])), {
  output: 'logits',
  id: 'parallel-search-test',
});

beforeAll(async () => {
  runtime = cpuRuntime();
  await runtime.init();
});
afterAll(() => tf.dispose([train.x, train.y, val.x, val.y]));

function options(extra: Partial<SearchAlphaOptions> = {}): SearchAlphaOptions {
  return {
    runtime,
    teacher: t,
    data: { x: train.x, y: train.y },
    validation: { x: val.x, y: val.y },
    makeStudent: (seed) => denseStudent(4, 5, 1, seed),
    alphas: [0, 0.3, 0.7, 1],
    seeds: [0, 1],
    epochs: 3,
    // 90 rows in batches of 20: the last batch of every epoch is short.
    batchSize: 20,
    metric: 'val_loss',
    select: 'last',
    ...extra,
  };
}

/** Each (α, seed)'s value from the batched search against the one-run-at-a-time search. */
async function expectSameRuns(extra: Partial<SearchAlphaOptions>, rtol: number) {
  const sequential = await searchAlpha(options(extra));
  const parallel = await searchAlpha(options({ ...extra, parallel: true }));
  expect(parallel.runs.map((r) => [r.alpha, r.seed, r.epochs])).toEqual(
    sequential.runs.map((r) => [r.alpha, r.seed, r.epochs]),
  );
  parallel.runs.forEach((r, i) => {
    const expected = sequential.runs[i]!.value;
    expect(Math.abs(r.value - expected)).toBeLessThanOrEqual(rtol * Math.abs(expected));
  });
  // The runs differ from each other, so matching them is not a matter of every α giving one value.
  expect(new Set(sequential.runs.map((r) => r.value.toFixed(6))).size).toBe(sequential.runs.length);
  expect(parallel.best.alpha).toBe(sequential.best.alpha);
}

describe('searchAlpha({ parallel: true })', () => {
  it('gives every (α, seed) the validation loss its sequential run gives, default Adam', async () => {
    const before = tf.memory().numTensors;
    await expectSameRuns({}, 1e-4);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('matches with a given optimizer and a probabilities (sigmoid) student, on val_auc', async () => {
    await expectSameRuns(
      {
        makeStudent: (seed) => denseStudent(4, 5, 1, seed, 'sigmoid'),
        makeOptimizer: () => tf.train.adam(0.03),
        metric: 'val_auc',
        select: 'best',
      },
      1e-4,
    );
  });

  it('refuses what it cannot batch before training, with KD_INVALID_ARGUMENT', async () => {
    for (const extra of [
      { temperatures: [1, 2] },
      { earlyStopping: { patience: 1 } },
    ] as Partial<SearchAlphaOptions>[]) {
      const error = await searchAlpha(options({ ...extra, parallel: true })).catch((e: unknown) => e);
      expect(isKdError(error) && error.code).toBe('KD_INVALID_ARGUMENT');
    }
    const softmax = await searchAlpha(
      options({ makeStudent: (seed) => denseStudent(4, 5, 2, seed), parallel: true }),
    ).catch((e: unknown) => e);
    expect(isKdError(softmax)).toBe(true);
  });
});
