import { describe, expect, it } from 'vitest';
import { accuracy, brierScore, expectedCalibrationError, logLoss } from '../../src/metrics/index.js';
import { binaryCase, repeatRows, uniform } from './fixtures.js';

describe('accuracy', () => {
  it('thresholds with p > threshold', () => {
    expect(accuracy([0, 1, 1], [0.2, 0.7, 0.4])).toBeCloseTo(2 / 3, 15);
    // 0.5 is not above 0.5, so it predicts 0
    expect(accuracy([0, 1], [0.5, 0.5])).toBe(0.5);
    expect(accuracy([0, 1], [0.3, 0.35], 0.32)).toBe(1);
  });

  it('weights examples', () => {
    expect(accuracy([0, 1, 1], [0.2, 0.7, 0.4], 0.5, [1, 1, 2])).toBe(0.5);
  });
});

describe('logLoss', () => {
  it('matches hand-computed values', () => {
    expect(logLoss([1, 0], [0.9, 0.2])).toBeCloseTo((-Math.log(0.9) - Math.log(0.8)) / 2, 14);
    expect(logLoss([1], [0.5])).toBeCloseTo(Math.LN2, 14);
  });

  it('clips confident mistakes to eps', () => {
    expect(logLoss([1, 0], [0, 1])).toBeCloseTo(-Math.log(1e-7), 8);
    expect(logLoss([1], [0], 1e-3)).toBeCloseTo(-Math.log(1e-3), 12);
    expect(logLoss([1], [0], 0)).toBe(Number.POSITIVE_INFINITY);
  });

  it('matches the cross-entropy in float64 on float32 data', () => {
    const { y, p } = binaryCase(500, 11);
    let sum = 0;
    for (let i = 0; i < y.length; i++) {
      const q = Math.min(Math.max(p[i]!, 1e-7), 1 - 1e-7);
      sum += -(y[i]! * Math.log(q) + (1 - y[i]!) * Math.log(1 - q));
    }
    expect(logLoss(y, p)).toBeCloseTo(sum / y.length, 12);
  });
});

describe('brierScore', () => {
  it('matches hand-computed values', () => {
    expect(brierScore([1, 0], [0.9, 0.2])).toBeCloseTo(0.025, 15);
    expect(brierScore([1, 0, 1], [1, 0, 1])).toBe(0);
    expect(brierScore([1, 0], [0, 1])).toBe(1);
  });
});

/** ECE with bins found by comparing against the edges b/bins (a second way to bin). */
function referenceEce(y: ArrayLike<number>, p: ArrayLike<number>, bins: number): number {
  let ece = 0;
  for (let b = 0; b < bins; b++) {
    const lo = b / bins;
    const hi = (b + 1) / bins;
    const members = Array.from({ length: y.length }, (_, i) => i).filter(
      (i) => p[i]! >= lo && (p[i]! < hi || (b === bins - 1 && p[i] === 1)),
    );
    if (members.length === 0) continue;
    const meanY = members.reduce((s, i) => s + y[i]!, 0) / members.length;
    const meanP = members.reduce((s, i) => s + p[i]!, 0) / members.length;
    ece += (members.length / y.length) * Math.abs(meanY - meanP);
  }
  return ece;
}

describe('expectedCalibrationError', () => {
  it('matches hand-computed values', () => {
    // bin 2: y=0 vs p=0.2; bin 8: three rows, mean y=1 vs p=0.8
    expect(expectedCalibrationError([0, 1, 1, 1], [0.2, 0.8, 0.8, 0.8])).toBeCloseTo(0.25 * 0.2 + 0.75 * 0.2, 14);
    // one bin holding everything: |mean y − mean p|
    expect(expectedCalibrationError([0, 1, 1, 0], [0.1, 0.9, 0.6, 0.2], { bins: 1 })).toBeCloseTo(
      Math.abs(0.5 - 0.45),
      14,
    );
    // perfectly calibrated bins
    expect(expectedCalibrationError([0, 1, 0, 1], [0.5, 0.5, 0.5, 0.5])).toBe(0);
  });

  it('puts p = 1 into the last bin and p = 0 into the first', () => {
    expect(expectedCalibrationError([1, 0], [1, 0], { bins: 4 })).toBe(0);
    // p = 1 alone in bin 4 (error 0); p = 0.7 in bin 3 (error 0.3)
    expect(expectedCalibrationError([1, 1], [1, 0.7], { bins: 5 })).toBeCloseTo(0.5 * 0 + 0.5 * 0.3, 14);
  });

  it('matches a reference binning on random data', () => {
    for (const bins of [1, 10, 15]) {
      const { y, p } = binaryCase(1000, 20 + bins);
      expect(expectedCalibrationError(y, p, { bins })).toBeCloseTo(referenceEce(y, p, bins), 12);
    }
  });

  it('weights like repeated rows', () => {
    const { y, p } = binaryCase(200, 31);
    const r = uniform(32);
    const w = Array.from({ length: y.length }, () => Math.floor(r() * 3));
    expect(expectedCalibrationError(y, p, { weights: w })).toBeCloseTo(
      referenceEce(repeatRows(y, w), repeatRows(p, w), 10),
      12,
    );
  });
});

describe('weighted binary metrics', () => {
  it('equal the unweighted metric on rows repeated by integer weights', () => {
    const { y, p } = binaryCase(150, 41);
    const r = uniform(42);
    const w = Array.from({ length: y.length }, () => Math.floor(r() * 4));
    const yr = repeatRows(y, w);
    const pr = repeatRows(p, w);
    expect(accuracy(y, p, 0.5, w)).toBeCloseTo(accuracy(yr, pr), 14);
    expect(logLoss(y, p, 1e-7, w)).toBeCloseTo(logLoss(yr, pr), 12);
    expect(brierScore(y, p, w)).toBeCloseTo(brierScore(yr, pr), 14);
  });
});
