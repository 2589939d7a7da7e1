import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpuRuntime } from '../../src/cpu.js';
import {
  customStudent,
  formatSearchTable,
  isKdError,
  searchAlpha,
  searchDistillation,
  teacher,
  type KdRuntime,
} from '../../src/index.js';
import { deadReason, predictionSpread } from '../../src/search/dead-run.js';
import * as tfl from '@tensorflow/tfjs-layers';
import { denseStudent, toyBinary } from '../helpers/fixtures.js';

let runtime: KdRuntime;
const train = toyBinary(80, 4, 3);
const val = toyBinary(40, 4, 4);
const t = teacher((x) => tf.matMul(x, tf.tensor2d([[2], [-1], [2], [-1]])), {
  output: 'logits',
  id: 'dead-run-teacher',
});

/** A student that cannot depend on its input: one trainable bias broadcast to every row. */
function constantStudent() {
  const init = tf.zeros([1]);
  const b = tf.variable(init, true);
  init.dispose();
  return customStudent({
    name: 'constant',
    output: 'logits',
    variables: { b },
    forward: (x) => tf.mul(tf.ones([x.shape[0]!, 1]), b),
  });
}

/**
 * A ReLU student whose hidden units are dead from the start: with biases of −10 and inputs in
 * [−1, 1] no unit ever fires, so no gradient reaches them and the output is its bias alone.
 */
function deadReluStudent(seed: number) {
  return tfl.sequential({
    layers: [
      tfl.layers.dense({
        inputShape: [4],
        units: 4,
        activation: 'relu',
        kernelInitializer: tfl.initializers.glorotUniform({ seed }),
        biasInitializer: tfl.initializers.constant({ value: -10 }),
      }),
      tfl.layers.dense({ units: 1, kernelInitializer: tfl.initializers.glorotUniform({ seed: seed + 100 }) }),
    ],
  });
}

const base = () => ({
  runtime,
  teacher: t,
  data: { x: train.x, y: train.y },
  validation: { x: val.x, y: val.y },
  makeOptimizer: () => tf.train.adam(0.05),
  alphas: [0.5],
  epochs: 2,
  batchSize: 20,
  metric: 'val_loss' as const,
});

beforeAll(async () => {
  runtime = cpuRuntime();
  await runtime.init();
});
afterAll(() => tf.dispose([train.x, train.y, val.x, val.y]));

describe('searchAlpha and dead students', () => {
  it('flags a dead run, retries it once with another seed, and averages only the live runs', async () => {
    const before = tf.memory().numTensors;
    const result = await searchAlpha({
      ...base(),
      seeds: [0, 1],
      makeStudent: (seed) => (seed === 0 ? constantStudent() : denseStudent(4, 4, 1, seed)),
    });
    expect(result.runs.map((r) => [r.seed, r.dead, r.retryOf])).toEqual([
      [0, 'constant-predictions', undefined],
      [7919, undefined, 0],
      [1, undefined, undefined],
    ]);
    expect(result.dead.map((r) => r.seed)).toEqual([0]);
    const row = result.rows[0]!;
    const live = [result.runs[1]!.value, result.runs[2]!.value];
    expect(row.seeds).toEqual([7919, 1]);
    expect(row.values).toEqual(live);
    expect(row.dead).toBe(1);
    expect(row.mean).toBeCloseTo((live[0]! + live[1]!) / 2, 12);
    expect(row.std).toBeCloseTo(Math.abs(live[0]! - live[1]!) / Math.SQRT2, 12);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('catches a layers student with dead ReLU units the same way', async () => {
    const before = tf.memory().numTensors;
    const result = await searchAlpha({
      ...base(),
      seeds: [3],
      makeStudent: (seed) => (seed === 3 ? deadReluStudent(seed) : denseStudent(4, 4, 1, seed)),
    });
    expect(result.runs.map((r) => [r.seed, r.dead])).toEqual([
      [3, 'constant-predictions'],
      [3 + 7919, undefined],
    ]);
    expect(result.rows[0]!.values).toEqual([result.runs[1]!.value]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('leaves a run out of the mean when its retry is dead too, and says so in the table', async () => {
    const result = await searchAlpha({
      ...base(),
      seeds: [0, 1],
      makeStudent: (seed) => (seed === 1 ? denseStudent(4, 4, 1, seed) : constantStudent()),
    });
    expect(result.runs.map((r) => [r.seed, r.dead])).toEqual([
      [0, 'constant-predictions'],
      [7919, 'constant-predictions'],
      [1, undefined],
    ]);
    const row = result.rows[0]!;
    expect(row.values).toEqual([result.runs[2]!.value]);
    expect(row.mean).toBe(result.runs[2]!.value);
    expect(row.dead).toBe(2);
    expect(formatSearchTable(result)).toMatch(/^\*\s+0\.5\s+1\s+\d\.\d{4} ± 0\.0000\s+1\s+2$/m);
  });

  it('refuses to choose a setting when every run, retries included, was dead', async () => {
    const err = await searchAlpha({ ...base(), seeds: [0], makeStudent: () => constantStudent() }).catch(
      (e: unknown) => e,
    );
    expect(isKdError(err, 'KD_SEARCH_ALL_DEAD'), String(err)).toBe(true);
  });

  it('keeps the old behaviour when the check is off: the constant run is averaged in', async () => {
    const result = await searchAlpha({ ...base(), seeds: [0], deadRun: false, makeStudent: () => constantStudent() });
    expect(result.runs.map((r) => r.dead)).toEqual([undefined]);
    expect(result.rows[0]!.values).toHaveLength(1);
  });

  it('never takes test data', async () => {
    const err = await searchAlpha({
      ...base(),
      seeds: [0],
      makeStudent: (seed) => denseStudent(4, 0, 1, seed),
      ...({ test: { x: val.x, y: val.y } } as object),
    }).catch((e: unknown) => e);
    expect(isKdError(err, 'KD_INVALID_ARGUMENT'), String(err)).toBe(true);
    expect((err as Error).message).toContain('test data');
  });

  it('searchDistillation searches T = 1, 2, 4, 8 by default', async () => {
    const result = await searchDistillation({
      ...base(),
      epochs: 1,
      seeds: [0],
      makeStudent: (seed) => denseStudent(4, 0, 1, seed),
    });
    expect(result.rows.map((r) => r.temperature)).toEqual([1, 2, 4, 8]);
  });
});

describe('deadReason', () => {
  const opts = { constantSpread: 1e-3, chanceTolerance: 5e-3 };
  const epoch = (valLoss: number) => ({
    epoch: 0,
    loss: 0,
    hardLoss: 0,
    softLoss: 0,
    alpha: 0.5,
    temperature: 1,
    val: { val_loss: valLoss },
    durationMs: 0,
  });

  it('calls predictions constant when their spread is at most constantSpread', () => {
    expect(predictionSpread([0.3, 0.3005, 0.2999], 1)).toBeCloseTo(0.0006, 12);
    expect(deadReason([0.3, 0.3005, 0.2999], 1, [epoch(0.61)], opts)).toBe('constant-predictions');
    expect(deadReason([0.3, 0.302, 0.2999], 1, [epoch(0.61)], opts)).toBeUndefined();
    // Two units: the larger spread decides.
    expect(predictionSpread([0.5, 0.5, 0.5004, 0.1], 2)).toBeCloseTo(0.4, 12);
  });

  it('calls a run stuck at chance when every epoch has |val_loss − ln K| within the tolerance', () => {
    const ln2 = Math.log(2);
    const probs = [0.49, 0.51, 0.5];
    expect(deadReason(probs, 1, [epoch(ln2 + 0.004), epoch(ln2 - 0.004)], opts)).toBe('stuck-at-chance');
    expect(deadReason(probs, 1, [epoch(ln2 + 0.004), epoch(ln2 - 0.006)], opts)).toBeUndefined();
    // Three classes: chance is ln 3.
    const three = [0.3, 0.3, 0.4, 0.4, 0.3, 0.3];
    expect(deadReason(three, 3, [epoch(Math.log(3) + 0.001)], opts)).toBe('stuck-at-chance');
    expect(deadReason(three, 3, [epoch(ln2)], opts)).toBeUndefined();
  });

  it('rejects a negative tolerance before training', async () => {
    const err = await searchAlpha({
      ...base(),
      seeds: [0],
      deadRun: { constantSpread: -1 },
      makeStudent: (seed) => denseStudent(4, 0, 1, seed),
    }).catch((e: unknown) => e);
    expect(isKdError(err, 'KD_INVALID_ARGUMENT'), String(err)).toBe(true);
  });
});
