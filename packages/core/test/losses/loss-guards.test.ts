import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-layers';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { isKdError, type KdErrorCode } from '../../src/errors/kd-error.js';
import {
  binaryDistillationLoss,
  binaryDistillationLossFromLogits,
  softmaxDistillationLoss,
} from '../../src/losses/index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

afterEach(() => {
  vi.restoreAllMocks();
});

/**
 * Calls `fn`, expecting a KdError with `code`, and checks that no kernel ran and no tensor was
 * created: the guard fired before any computation.
 */
function expectRejectedBeforeComputing(code: KdErrorCode, fn: () => unknown): void {
  const runKernel = vi.spyOn(tf.engine(), 'runKernel');
  const before = tf.memory().numTensors;
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught, `expected ${code}`).toBeDefined();
  expect(isKdError(caught, code), `expected ${code}, got ${String(caught)}`).toBe(true);
  expect(runKernel).not.toHaveBeenCalled();
  expect(tf.memory().numTensors).toBe(before);
  runKernel.mockRestore();
}

const n = 4;
const binary = () => ({
  yTrue: tf.tensor1d([1, 0, 1, 0]),
  teacher: tf.tensor1d([0.9, 0.1, 0.6, 0.3]),
  student: tf.tensor1d([0.7, 0.2, 0.5, 0.4]),
});
const multi = () => ({
  yTrue: tf.tensor1d([0, 2, 1, 2], 'int32'),
  teacher: tf.randomNormal([n, 3], 0, 1, 'float32', 1),
  student: tf.randomNormal([n, 3], 0, 1, 'float32', 2),
});

describe('loss guard rails', () => {
  it('the spy sees kernels when the inputs are valid (the checks below can fail)', () => {
    const inputs = binary();
    const runKernel = vi.spyOn(tf.engine(), 'runKernel');
    const parts = binaryDistillationLoss({ ...inputs, alpha: 0.5 });
    expect(runKernel).toHaveBeenCalled();
    tf.dispose([parts.total, parts.hard, parts.soft, ...Object.values(inputs)]);
  });

  it('KD_ALPHA_RANGE: α outside [0, 1], NaN or not a number', () => {
    const b = binary();
    const m = multi();
    for (const alpha of [-0.01, 1.01, Number.NaN, Infinity, undefined, '0.5']) {
      const a = alpha as number;
      expectRejectedBeforeComputing('KD_ALPHA_RANGE', () => binaryDistillationLoss({ ...b, alpha: a }));
      expectRejectedBeforeComputing('KD_ALPHA_RANGE', () => binaryDistillationLossFromLogits({ ...b, alpha: a }));
      expectRejectedBeforeComputing('KD_ALPHA_RANGE', () => softmaxDistillationLoss({ ...m, alpha: a }));
    }
    tf.dispose([...Object.values(b), ...Object.values(m)]);
  });

  it('KD_TEMPERATURE_RANGE: T ≤ 0 or not finite', () => {
    const b = binary();
    const m = multi();
    for (const temperature of [0, -1, Number.NaN, Infinity, -Infinity]) {
      expectRejectedBeforeComputing('KD_TEMPERATURE_RANGE', () =>
        binaryDistillationLossFromLogits({ ...b, alpha: 0.5, temperature }),
      );
      expectRejectedBeforeComputing('KD_TEMPERATURE_RANGE', () =>
        softmaxDistillationLoss({ ...m, alpha: 0.5, temperature }),
      );
    }
    tf.dispose([...Object.values(b), ...Object.values(m)]);
  });

  it('KD_SHAPE_MISMATCH for the binary losses: wrong rank or width, different N, no samples, bad weights', () => {
    const b = binary();
    const bad = {
      wide: tf.zeros([n, 2]),
      cube: tf.zeros([n, 1, 1]),
      scalar: tf.scalar(1),
      short: tf.zeros([n - 1]),
      empty: tf.zeros([0]),
      weightsWide: tf.ones([n, 2]),
      weightsShort: tf.ones([n + 1]),
    };
    for (const loss of [binaryDistillationLoss, binaryDistillationLossFromLogits]) {
      expectRejectedBeforeComputing('KD_SHAPE_MISMATCH', () => loss({ ...b, student: bad.wide, alpha: 0.5 }));
      expectRejectedBeforeComputing('KD_SHAPE_MISMATCH', () => loss({ ...b, teacher: bad.cube, alpha: 0.5 }));
      expectRejectedBeforeComputing('KD_SHAPE_MISMATCH', () => loss({ ...b, yTrue: bad.scalar, alpha: 0.5 }));
      expectRejectedBeforeComputing('KD_SHAPE_MISMATCH', () => loss({ ...b, teacher: bad.short, alpha: 0.5 }));
      expectRejectedBeforeComputing('KD_SHAPE_MISMATCH', () =>
        loss({ yTrue: bad.empty, teacher: bad.empty, student: bad.empty, alpha: 0.5 }),
      );
      expectRejectedBeforeComputing('KD_SHAPE_MISMATCH', () =>
        loss({ ...b, sampleWeight: bad.weightsWide, alpha: 0.5 }),
      );
      expectRejectedBeforeComputing('KD_SHAPE_MISMATCH', () =>
        loss({ ...b, sampleWeight: bad.weightsShort, alpha: 0.5 }),
      );
    }
    tf.dispose([...Object.values(b), ...Object.values(bad)]);
  });

  it('KD_SHAPE_MISMATCH for the softmax loss: K differs, extra axes, labels or weights do not fit', () => {
    const m = multi();
    const bad = {
      teacherK4: tf.zeros([n, 4]),
      student3d: tf.zeros([n, 3, 2]),
      labelsK4: tf.zeros([n, 4]),
      labelsShort: tf.zeros([n - 1], 'int32'),
      weightsWide: tf.ones([n, 3]),
      weightsShort: tf.ones([n - 1]),
    };
    expectRejectedBeforeComputing('KD_SHAPE_MISMATCH', () =>
      softmaxDistillationLoss({ ...m, teacher: bad.teacherK4, alpha: 0.5 }),
    );
    expectRejectedBeforeComputing('KD_SHAPE_MISMATCH', () =>
      softmaxDistillationLoss({ ...m, student: bad.student3d, alpha: 0.5 }),
    );
    expectRejectedBeforeComputing('KD_SHAPE_MISMATCH', () =>
      softmaxDistillationLoss({ ...m, yTrue: bad.labelsK4, alpha: 0.5 }),
    );
    expectRejectedBeforeComputing('KD_SHAPE_MISMATCH', () =>
      softmaxDistillationLoss({ ...m, yTrue: bad.labelsShort, alpha: 0.5 }),
    );
    expectRejectedBeforeComputing('KD_SHAPE_MISMATCH', () =>
      softmaxDistillationLoss({ ...m, sampleWeight: bad.weightsWide, alpha: 0.5 }),
    );
    expectRejectedBeforeComputing('KD_SHAPE_MISMATCH', () =>
      softmaxDistillationLoss({ ...m, sampleWeight: bad.weightsShort, alpha: 0.5 }),
    );
    tf.dispose([...Object.values(m), ...Object.values(bad)]);
  });

  it('KD_SINGLE_UNIT_SOFTMAX: a one-unit output given to the softmax loss', () => {
    const b = binary();
    const column = tf.zeros([n, 1]);
    const m = multi();
    expectRejectedBeforeComputing('KD_SINGLE_UNIT_SOFTMAX', () => softmaxDistillationLoss({ ...b, alpha: 0.5 }));
    expectRejectedBeforeComputing('KD_SINGLE_UNIT_SOFTMAX', () =>
      softmaxDistillationLoss({ yTrue: b.yTrue, teacher: column, student: column, alpha: 0.5 }),
    );
    expectRejectedBeforeComputing('KD_SINGLE_UNIT_SOFTMAX', () =>
      softmaxDistillationLoss({ ...m, teacher: column, alpha: 0.5 }),
    );
    tf.dispose([...Object.values(b), ...Object.values(m), column]);
  });

  it('KD_INVALID_ARGUMENT: unknown teacherKind or reduction, non-tensors, disposed or string tensors', () => {
    const b = binary();
    const m = multi();
    const disposed = tf.zeros([n]);
    disposed.dispose();
    const strings = tf.tensor1d(['a', 'b', 'c', 'd']);
    const kind = 'probs' as 'logits';
    const reduction = 'avg' as 'mean';
    expectRejectedBeforeComputing('KD_INVALID_ARGUMENT', () =>
      binaryDistillationLoss({ ...b, alpha: 0.5, teacherKind: kind }),
    );
    expectRejectedBeforeComputing('KD_INVALID_ARGUMENT', () =>
      binaryDistillationLossFromLogits({ ...b, alpha: 0.5, reduction }),
    );
    expectRejectedBeforeComputing('KD_INVALID_ARGUMENT', () =>
      softmaxDistillationLoss({ ...m, alpha: 0.5, teacherKind: kind }),
    );
    expectRejectedBeforeComputing('KD_INVALID_ARGUMENT', () =>
      binaryDistillationLoss({ ...b, student: [0.5, 0.5] as unknown as tf.Tensor, alpha: 0.5 }),
    );
    expectRejectedBeforeComputing('KD_INVALID_ARGUMENT', () =>
      binaryDistillationLoss({ ...b, teacher: disposed, alpha: 0.5 }),
    );
    expectRejectedBeforeComputing('KD_INVALID_ARGUMENT', () =>
      binaryDistillationLossFromLogits({ ...b, yTrue: strings, alpha: 0.5 }),
    );
    tf.dispose([...Object.values(b), ...Object.values(m), strings]);
  });

  it('says what was wrong and how to fix it', () => {
    const b = binary();
    const wide = tf.zeros([n, 3]);
    try {
      binaryDistillationLossFromLogits({ ...b, student: wide, alpha: 0.5 });
      expect.unreachable('a [N, 3] student must be rejected');
    } catch (e) {
      expect((e as Error).message).toContain('[4, 3]');
      expect((e as Error).message).toContain('softmaxDistillationLoss');
      expect((e as { details: Record<string, unknown> }).details).toMatchObject({ argument: 'student', shape: [4, 3] });
    }
    tf.dispose([...Object.values(b), wide]);
  });
});
