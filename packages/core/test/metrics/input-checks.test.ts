import { describe, expect, it } from 'vitest';
import { kdErrorOf } from '@kd/test-utils/kd-error';
import {
  accuracy,
  aucRoc,
  brierScore,
  expectedCalibrationError,
  logLoss,
  multiclassAccuracy,
  multiclassAucRoc,
  multiclassBrierScore,
  multiclassExpectedCalibrationError,
  multiclassLogLoss,
} from '../../src/metrics/index.js';

const codeOf = (fn: () => unknown) => kdErrorOf(fn).code;

type Binary = (y: ArrayLike<number>, p: ArrayLike<number>) => number;
const binary: Record<string, Binary> = {
  accuracy: (y, p) => accuracy(y, p),
  aucRoc: (y, p) => aucRoc(y, p),
  logLoss: (y, p) => logLoss(y, p),
  brierScore: (y, p) => brierScore(y, p),
  expectedCalibrationError: (y, p) => expectedCalibrationError(y, p),
};

type Multi = (y: ArrayLike<number>, p: ArrayLike<number>, k: number) => number;
const multi: Record<string, Multi> = {
  multiclassAccuracy: (y, p, k) => multiclassAccuracy(y, p, k),
  multiclassAucRoc: (y, p, k) => multiclassAucRoc(y, p, k),
  multiclassLogLoss: (y, p, k) => multiclassLogLoss(y, p, k),
  multiclassBrierScore: (y, p, k) => multiclassBrierScore(y, p, k),
  multiclassExpectedCalibrationError: (y, p, k) => multiclassExpectedCalibrationError(y, p, k),
};

describe('binary metric input checks', () => {
  for (const [name, fn] of Object.entries(binary)) {
    it(`${name} rejects bad inputs with specific codes`, () => {
      expect(codeOf(() => fn([], []))).toBe('KD_DATA_INVALID');
      expect(codeOf(() => fn([0, 1], [0.5]))).toBe('KD_SHAPE_MISMATCH');
      expect(codeOf(() => fn([0, 2], [0.5, 0.5]))).toBe('KD_LABEL_RANGE');
      expect(codeOf(() => fn([0, 1], [0.5, 1.5]))).toBe('KD_PROBABILITY_RANGE');
      expect(codeOf(() => fn([0, 1], [0.5, Number.NaN]))).toBe('KD_NON_FINITE');
    });
  }

  it('messages say what to do', () => {
    try {
      logLoss([0, 1], [0.2, 3.1]);
    } catch (e) {
      expect((e as Error).message).toContain('p`[1] is 3.1');
      expect((e as Error).message).toContain('not logits');
    }
    expect.assertions(2);
  });

  it('check options and weights', () => {
    expect(codeOf(() => accuracy([1], [0.5], 2))).toBe('KD_INVALID_ARGUMENT');
    expect(codeOf(() => logLoss([1], [0.5], -1))).toBe('KD_INVALID_ARGUMENT');
    expect(codeOf(() => expectedCalibrationError([1], [0.5], { bins: 0 }))).toBe('KD_INVALID_ARGUMENT');
    expect(codeOf(() => expectedCalibrationError([1], [0.5], { bins: 2.5 }))).toBe('KD_INVALID_ARGUMENT');
    expect(codeOf(() => brierScore([1, 0], [0.5, 0.5], [1]))).toBe('KD_SHAPE_MISMATCH');
    expect(codeOf(() => brierScore([1, 0], [0.5, 0.5], [1, -1]))).toBe('KD_DATA_INVALID');
    expect(codeOf(() => brierScore([1, 0], [0.5, 0.5], [0, 0]))).toBe('KD_DATA_INVALID');
  });
});

describe('multi-class metric input checks', () => {
  for (const [name, fn] of Object.entries(multi)) {
    it(`${name} rejects bad inputs with specific codes`, () => {
      expect(codeOf(() => fn([], [], 3))).toBe('KD_DATA_INVALID');
      expect(codeOf(() => fn([0], [0.5, 0.5], 3))).toBe('KD_SHAPE_MISMATCH');
      expect(codeOf(() => fn([3], [0.2, 0.3, 0.5], 3))).toBe('KD_LABEL_RANGE');
      expect(codeOf(() => fn([1.5], [0.2, 0.3, 0.5], 3))).toBe('KD_LABEL_RANGE');
      expect(codeOf(() => fn([0], [0.2, 0.3, 0.4], 3))).toBe('KD_PROBABILITY_RANGE');
      expect(codeOf(() => fn([0], [2, -0.5, -0.5], 3))).toBe('KD_PROBABILITY_RANGE');
      expect(codeOf(() => fn([0], [Number.NaN, 0.5, 0.5], 3))).toBe('KD_NON_FINITE');
      expect(codeOf(() => fn([0], [1], 1))).toBe('KD_INVALID_ARGUMENT');
    });
  }
});
