import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kdErrorOf } from '@kd/test-utils/kd-error';
import { cpuRuntime } from '../../src/cpu.js';
import {
  customStudent,
  distill,
  layersStudent,
  teacher,
  type DistillOptions,
  type KdRuntime,
} from '../../src/index.js';
import { denseStudent, toyBinary } from '../helpers/fixtures.js';

let runtime: KdRuntime;
const data = toyBinary(120);
const teacherFn = teacher((x) => tf.matMul(x, tf.tensor2d([[2], [-1], [2], [-1]])), {
  output: 'logits',
  id: 'divergence-teacher',
});

beforeAll(async () => {
  runtime = cpuRuntime();
  await runtime.init();
});
afterAll(() => tf.dispose([data.x, data.y]));

/**
 * A logistic student the test can poison: while `poisoned` is set (from a callback) its output
 * is NaN, so the loss of those steps is NaN, at steps the test chooses.
 */
function poisonable(output: 'logits' | 'probabilities') {
  const w = tf.variable(tf.zeros([4, 1]), true);
  const b = tf.variable(tf.zeros([1]), true);
  const state = { poisoned: false };
  const student = customStudent({
    name: 'poisonable',
    output,
    variables: { w, b },
    forward: (x) => {
      const z = tf.add(tf.matMul(x, w), b);
      const out = state.poisoned ? tf.mul(z, Number.NaN) : z;
      return output === 'logits' ? out : tf.sigmoid(out);
    },
  });
  const weights = () => [...Array.from(w.dataSync()), ...Array.from(b.dataSync())];
  return { student, state, weights, dispose: () => tf.dispose([w, b]) };
}

// 120 rows in batches of 10: 12 steps per epoch, so step 26 is batch 2 of epoch 2.
const base = (student: DistillOptions['student']): DistillOptions => ({
  runtime,
  teacher: teacherFn,
  student,
  data: { x: data.x, y: data.y },
  epochs: 4,
  batchSize: 10,
  shuffle: false,
  optimizer: tf.train.sgd(0.1),
});

const failure = (options: DistillOptions) => kdErrorOf(distill(options));

describe('a run whose loss stops being finite', () => {
  it('fails at the first bad step with the history, and the student back at its last finite weights', async () => {
    const p = poisonable('logits');
    const atEpochEnd: number[][] = [];
    const logs: unknown[] = [];
    const err = await failure({
      ...base(p.student),
      callbacks: {
        onBatchEnd: (log) => void (log.step === 25 && (p.state.poisoned = true)),
        onEpochEnd: (log) => {
          logs.push(log);
          atEpochEnd.push(p.weights());
        },
      },
    });
    expect(err.code).toBe('KD_TRAINING_DIVERGED');
    expect(err.details).toMatchObject({ epoch: 2, batch: 2, step: 26 });
    expect(err.details.history).toEqual(logs);
    expect((err.details.history as unknown[]).length).toBe(2);
    const now = p.weights();
    expect(now.every(Number.isFinite)).toBe(true);
    expect(now).toEqual(atEpochEnd[1]);
    // A logits student is not told to become one.
    expect(err.message).toContain('outputs logits');
    expect(err.message).not.toMatch(/use a logits student/);
    expect(err.message).toContain("onNonFinite: 'skip-batch'");
    p.dispose();
  });

  it('puts back the best weights early stopping kept, instead of freeing them', async () => {
    const p = poisonable('logits');
    const atEpochEnd: number[][] = [];
    const err = await failure({
      ...base(p.student),
      // The loss falls every epoch, so in 'max' mode epoch 0 stays the best.
      earlyStopping: { monitor: 'loss', mode: 'max', patience: 5 },
      callbacks: {
        onBatchEnd: (log) => void (log.step === 25 && (p.state.poisoned = true)),
        onEpochEnd: () => void atEpochEnd.push(p.weights()),
      },
    });
    expect(err.code).toBe('KD_TRAINING_DIVERGED');
    expect(err.details.restored).toEqual({ weights: 'best', epoch: 0 });
    expect(p.weights()).toEqual(atEpochEnd[0]);
    p.dispose();
  });

  it('tells a probabilities student to output logits', async () => {
    const p = poisonable('probabilities');
    const err = await failure({
      ...base(p.student),
      callbacks: { onBatchEnd: (log) => void (log.step === 3 && (p.state.poisoned = true)) },
    });
    expect(err.code).toBe('KD_TRAINING_DIVERGED');
    expect(err.details).toMatchObject({ epoch: 0, batch: 4, step: 4, history: [] });
    expect(err.message).toContain('outputs probabilities');
    expect(err.message).toContain("output: 'logits'");
    // Before the first epoch end the last finite weights are the ones training started from.
    expect(p.weights()).toEqual([0, 0, 0, 0, 0]);
    p.dispose();
  });

  it("with onNonFinite: 'skip-batch' leaves out the bad step's update and trains on", async () => {
    const p = poisonable('logits');
    const after: Record<number, number[]> = {};
    const options = base(p.student);
    options.optimizer?.dispose();
    const before = tf.memory().numTensors;
    const optimizer = tf.train.adam(0.05);
    const r = await distill({
      ...options,
      optimizer,
      onNonFinite: 'skip-batch',
      callbacks: {
        onBatchEnd: (log) => {
          after[log.step] = p.weights();
          if (log.step === 25) p.state.poisoned = true;
          if (log.step === 26) p.state.poisoned = false;
        },
      },
    });
    expect(r.history).toHaveLength(4);
    expect(r.history.map((h) => h.skippedBatches)).toEqual([0, 0, 1, 0]);
    expect(after[26]).toEqual(after[25]);
    expect(after[27]).not.toEqual(after[26]);
    expect(r.history.every((h) => Number.isFinite(h.loss))).toBe(true);
    expect(p.weights().every(Number.isFinite)).toBe(true);
    optimizer.dispose();
    expect(tf.memory().numTensors).toBe(before);
    p.dispose();
  });

  it('rejects an unknown onNonFinite before training', async () => {
    const p = poisonable('logits');
    const err = await failure({ ...base(p.student), onNonFinite: 'ignore' as never });
    expect(err.code).toBe('KD_INVALID_ARGUMENT');
    p.dispose();
  });
});

describe('a probabilities student pinned at the clamp', () => {
  it('fails instead of "succeeding" with a student that cannot learn', async () => {
    // Huge weights against the labels: sigmoid outputs sit at 0 or 1 on the wrong side, where
    // the probability clamp passes no gradient.
    const m = denseStudent(4, 0, 1, 3, 'sigmoid');
    const pinned = [tf.tensor2d([[-1000], [500], [-1000], [500]]), tf.zeros([1])];
    m.setWeights(pinned);
    tf.dispose(pinned);
    const err = await failure({ ...base(layersStudent(m)), optimizer: tf.train.sgd(0.1) });
    expect(err.code, err.message).toBe('KD_STUDENT_SATURATED');
    expect(err.details.share as number).toBeGreaterThan(0.5);
    expect(err.message).toContain("output: 'logits'");
    m.dispose();
  });

  it('does not fire for a sigmoid student that trains normally', async () => {
    const m = denseStudent(4, 0, 1, 3, 'sigmoid');
    const r = await distill({ ...base(m), optimizer: tf.train.sgd(0.5) });
    expect(r.history).toHaveLength(4);
    m.dispose();
  });
});
