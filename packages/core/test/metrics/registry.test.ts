import { describe, expect, it } from 'vitest';
import { kdErrorOf } from '@kd/test-utils/kd-error';
import {
  accuracy,
  aucRoc,
  brierScore,
  computeMetrics,
  expectedCalibrationError,
  isMetricName,
  logLoss,
  METRIC_NAMES,
  type MetricName,
  metricDirection,
  multiclassAccuracy,
  multiclassAucRoc,
  multiclassBrierScore,
  multiclassExpectedCalibrationError,
  multiclassLogLoss,
} from '../../src/metrics/index.js';
import { binaryCase, multiclassCase } from './fixtures.js';

describe('computeMetrics', () => {
  const all = [...METRIC_NAMES];

  it('computes the binary metrics for a one-output head', () => {
    const { y, p } = binaryCase(200, 61);
    expect(computeMetrics(all, { yTrue: y, probs: p, numClasses: 1 })).toEqual({
      accuracy: accuracy(y, p),
      auc: aucRoc(y, p),
      logLoss: logLoss(y, p),
      brier: brierScore(y, p),
      ece: expectedCalibrationError(y, p),
    });
  });

  it('passes options and weights through', () => {
    const { y, p } = binaryCase(100, 62);
    const w = Array.from({ length: 100 }, (_, i) => (i % 3) + 0.5);
    const got = computeMetrics(all, { yTrue: y, probs: p, weights: w, threshold: 0.3, bins: 4, eps: 1e-3 });
    expect(got).toEqual({
      accuracy: accuracy(y, p, 0.3, w),
      auc: aucRoc(y, p, w),
      logLoss: logLoss(y, p, 1e-3, w),
      brier: brierScore(y, p, w),
      ece: expectedCalibrationError(y, p, { bins: 4, weights: w }),
    });
  });

  it('scores a two-column softmax as binary on its second column', () => {
    const { y, p } = binaryCase(150, 63);
    const two = new Float64Array(2 * p.length);
    p.forEach((v, i) => {
      two[2 * i] = 1 - v;
      two[2 * i + 1] = v;
    });
    expect(computeMetrics(all, { yTrue: y, probs: two, numClasses: 2 })).toEqual(
      computeMetrics(all, { yTrue: y, probs: p, numClasses: 1 }),
    );
    // without numClasses the shape says the same
    expect(computeMetrics(all, { yTrue: y, probs: two })).toEqual(computeMetrics(all, { yTrue: y, probs: p }));
  });

  it('computes the multi-class metrics for K ≥ 3', () => {
    const { y, probs } = multiclassCase(120, 5, 64);
    expect(computeMetrics(all, { yTrue: y, probs, numClasses: 5 })).toEqual({
      accuracy: multiclassAccuracy(y, probs, 5),
      auc: multiclassAucRoc(y, probs, 5),
      logLoss: multiclassLogLoss(y, probs, 5),
      brier: multiclassBrierScore(y, probs, 5),
      ece: multiclassExpectedCalibrationError(y, probs, 5),
    });
    expect(Object.keys(computeMetrics(['logLoss'], { yTrue: y, probs }))).toEqual(['logLoss']);
  });

  it('gives NaN AUC when only one class is present', () => {
    const got = computeMetrics(['auc', 'accuracy'], { yTrue: [1, 1], probs: [0.9, 0.4] });
    expect(got.auc).toBeNaN();
    expect(got.accuracy).toBe(0.5);
  });

  it('rejects unknown names, listing the valid ones', () => {
    const err = kdErrorOf(() => computeMetrics(['accuracy', 'f1' as MetricName], { yTrue: [1], probs: [0.5] }));
    expect(err.code).toBe('KD_METRIC_UNKNOWN');
    expect(err.message).toContain("'f1'");
    for (const name of METRIC_NAMES) expect(err.message).toContain(name);
  });

  it('rejects empty inputs and shapes that do not fit', () => {
    expect(kdErrorOf(() => computeMetrics(['accuracy'], { yTrue: [], probs: [] })).code).toBe('KD_DATA_INVALID');
    expect(kdErrorOf(() => computeMetrics(['accuracy'], { yTrue: [], probs: [], numClasses: 3 })).code).toBe(
      'KD_DATA_INVALID',
    );
    expect(kdErrorOf(() => computeMetrics(['accuracy'], { yTrue: [0, 1], probs: [0.1, 0.2, 0.3] })).code).toBe(
      'KD_SHAPE_MISMATCH',
    );
    expect(
      kdErrorOf(() => computeMetrics(['accuracy'], { yTrue: [0, 1], probs: [0.1, 0.2], numClasses: 3 })).code,
    ).toBe('KD_SHAPE_MISMATCH');
    expect(
      kdErrorOf(() => computeMetrics(['accuracy'], { yTrue: [0, 1], probs: [0.1, 0.2], numClasses: 0 })).code,
    ).toBe('KD_INVALID_ARGUMENT');
  });
});

describe('metricDirection', () => {
  it('says which way is better', () => {
    const dirs = Object.fromEntries(METRIC_NAMES.map((n) => [n, metricDirection(n)]));
    expect(dirs).toEqual({ accuracy: 'max', auc: 'max', logLoss: 'min', brier: 'min', ece: 'min' });
  });

  it('rejects unknown names', () => {
    const err = kdErrorOf(() => metricDirection('val_auc' as MetricName));
    expect(err.code).toBe('KD_METRIC_UNKNOWN');
    expect(err.message).toContain('accuracy, auc, logLoss, brier, ece');
    expect(isMetricName('auc')).toBe(true);
    expect(isMetricName('constructor')).toBe(false);
  });
});
