import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import * as checks from '../../src/metrics/check-inputs.js';
import { computeMetrics, METRIC_NAMES } from '../../src/metrics/index.js';
import { customStudent } from '../../src/students/custom-student.js';
import { evaluateStudent } from '../../src/trainer/evaluate.js';

// Count how often the metric input checks run, without changing what they do.
vi.mock('../../src/metrics/check-inputs.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/metrics/check-inputs.js')>();
  return {
    ...original,
    checkBinaryInputs: vi.fn(original.checkBinaryInputs),
    checkMulticlassInputs: vi.fn(original.checkMulticlassInputs),
  };
});

const checkCalls = () =>
  vi.mocked(checks.checkBinaryInputs).mock.calls.length + vi.mocked(checks.checkMulticlassInputs).mock.calls.length;

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('metric inputs are checked once per entry, not once per metric', () => {
  it('computeMetrics checks its inputs once for all five metrics (binary, two-column and K = 3)', () => {
    const cases = [
      { yTrue: [0, 1, 1, 0], probs: [0.2, 0.7, 0.6, 0.4] },
      { yTrue: [0, 1], probs: [0.8, 0.2, 0.3, 0.7], numClasses: 2 },
      { yTrue: [0, 2], probs: [0.5, 0.25, 0.25, 0.1, 0.1, 0.8], numClasses: 3 },
    ];
    for (const inputs of cases) {
      const before = checkCalls();
      const values = computeMetrics([...METRIC_NAMES], inputs);
      expect(Object.keys(values)).toEqual([...METRIC_NAMES]);
      expect(checkCalls() - before).toBe(1);
    }
  });

  it('a validation pass (evaluateStudent) does not re-check the student outputs in every metric', async () => {
    const w = tf.variable(tf.tensor2d([[1], [-1]]));
    const student = customStudent({
      name: 'probe',
      output: 'logits',
      variables: { w },
      forward: (x) => tf.matMul(x, w),
    });
    const x = tf.tensor2d([
      [1, 0],
      [0, 1],
      [2, 1],
      [0, 3],
    ]);
    const before = checkCalls();
    const m = await evaluateStudent(student, x, [1, 0, 1, 0], [...METRIC_NAMES]);
    expect(checkCalls() - before).toBe(0);
    // The values are still the metrics': accuracy of σ(x·w) > 0.5 against the labels, by hand.
    expect(m.accuracy).toBe(1);
    expect(m.auc).toBe(1);
    tf.dispose([x]);
    student.dispose();
  });

  it('the public evaluation still refuses bad labels once, before scoring', async () => {
    const w = tf.variable(tf.tensor2d([[1], [-1]]));
    const student = customStudent({
      name: 'probe2',
      output: 'logits',
      variables: { w },
      forward: (x) => tf.matMul(x, w),
    });
    const x = tf.zeros([2, 2]);
    await expect(evaluateStudent(student, x, [0, 2], ['accuracy'])).rejects.toMatchObject({ code: 'KD_LABEL_RANGE' });
    await expect(evaluateStudent(student, x, [0, Number.NaN], ['accuracy'])).rejects.toMatchObject({
      code: 'KD_NON_FINITE',
    });
    await expect(evaluateStudent(student, x, [0], ['accuracy'])).rejects.toMatchObject({ code: 'KD_SHAPE_MISMATCH' });
    await expect(evaluateStudent(student, x, [0, 1], ['f1' as never])).rejects.toMatchObject({
      code: 'KD_METRIC_UNKNOWN',
    });
    tf.dispose(x);
    student.dispose();
  });
});
