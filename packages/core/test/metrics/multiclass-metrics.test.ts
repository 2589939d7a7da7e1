import { describe, expect, it } from 'vitest';
import {
  multiclassAccuracy,
  multiclassAucRoc,
  multiclassBrierScore,
  multiclassExpectedCalibrationError,
  multiclassLogLoss,
} from '../../src/metrics/index.js';
import { multiclassCase, repeatRows, uniform } from './fixtures.js';

const row = (probs: ArrayLike<number>, i: number, k: number) => Array.from({ length: k }, (_, c) => probs[i * k + c]!);

/** Index of the first maximum, found by sorting (a second way to take the argmax). */
function firstArgmax(values: number[]): number {
  return values.map((v, c) => [v, c] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1])[0]![1];
}

/** O(n²) one-vs-rest pair count, ties counting one half; classes without both sides are skipped. */
function bruteForceMacroAuc(y: ArrayLike<number>, probs: ArrayLike<number>, k: number): number {
  const aucs: number[] = [];
  for (let c = 0; c < k; c++) {
    let num = 0;
    let den = 0;
    for (let i = 0; i < y.length; i++) {
      if (y[i] !== c) continue;
      for (let j = 0; j < y.length; j++) {
        if (y[j] === c) continue;
        const a = probs[i * k + c]!;
        const b = probs[j * k + c]!;
        num += a > b ? 1 : a === b ? 0.5 : 0;
        den += 1;
      }
    }
    if (den > 0) aucs.push(num / den);
  }
  return aucs.reduce((s, a) => s + a, 0) / aucs.length;
}

describe('multi-class metrics on a hand-made case', () => {
  const y = [2, 0];
  const probs = [0.1, 0.2, 0.7, 0.3, 0.6, 0.1];

  it('accuracy takes the argmax', () => {
    expect(multiclassAccuracy(y, probs, 3)).toBe(0.5);
    // a tie picks the first of the tied classes
    expect(multiclassAccuracy([1], [0.2, 0.4, 0.4], 3)).toBe(1);
    expect(multiclassAccuracy([2], [0.2, 0.4, 0.4], 3)).toBe(0);
  });

  it('log-loss is −ln p[label]', () => {
    expect(multiclassLogLoss(y, probs, 3)).toBeCloseTo((-Math.log(0.7) - Math.log(0.3)) / 2, 14);
  });

  it('Brier sums squared errors over classes', () => {
    const expected = (0.01 + 0.04 + 0.09 + (0.49 + 0.36 + 0.01)) / 2;
    expect(multiclassBrierScore(y, probs, 3)).toBeCloseTo(expected, 14);
  });

  it('ECE uses the top-class confidence', () => {
    // row 0: confidence 0.7, correct (bin 7); row 1: confidence 0.6, wrong (bin 6)
    expect(multiclassExpectedCalibrationError(y, probs, 3)).toBeCloseTo(0.5 * 0.3 + 0.5 * 0.6, 14);
    // one bin: |mean correct − mean confidence|
    expect(multiclassExpectedCalibrationError(y, probs, 3, { bins: 1 })).toBeCloseTo(Math.abs(0.5 - 0.65), 14);
  });

  it('AUC is 1 for a perfect ranking', () => {
    expect(multiclassAucRoc([0, 1, 2], [0.8, 0.1, 0.1, 0.2, 0.7, 0.1, 0.1, 0.1, 0.8], 3)).toBe(1);
  });
});

describe('multi-class metrics on random float32 data', () => {
  const k = 4;
  const { y, probs } = multiclassCase(300, k, 51);

  it('match float64 references', () => {
    let hits = 0;
    let nll = 0;
    let brier = 0;
    for (let i = 0; i < y.length; i++) {
      const r = row(probs, i, k);
      if (firstArgmax(r) === y[i]) hits++;
      nll -= Math.log(r[y[i]!]!);
      brier += r.reduce((s, v, c) => s + (v - (c === y[i] ? 1 : 0)) ** 2, 0);
    }
    expect(multiclassAccuracy(y, probs, k)).toBeCloseTo(hits / y.length, 14);
    expect(multiclassLogLoss(y, probs, k)).toBeCloseTo(nll / y.length, 12);
    expect(multiclassBrierScore(y, probs, k)).toBeCloseTo(brier / y.length, 12);
  });

  it('ECE matches a reference binning', () => {
    const bins = 10;
    let ece = 0;
    for (let b = 0; b < bins; b++) {
      const members = Array.from({ length: y.length }, (_, i) => i).filter((i) => {
        const conf = Math.max(...row(probs, i, k));
        return conf >= b / bins && conf < (b + 1) / bins;
      });
      if (members.length === 0) continue;
      const correct = members.filter((i) => firstArgmax(row(probs, i, k)) === y[i]).length / members.length;
      const conf = members.reduce((s, i) => s + Math.max(...row(probs, i, k)), 0) / members.length;
      ece += (members.length / y.length) * Math.abs(correct - conf);
    }
    expect(multiclassExpectedCalibrationError(y, probs, k, { bins })).toBeCloseTo(ece, 12);
  });

  it('one-vs-rest macro AUC matches a brute-force pair count', () => {
    expect(multiclassAucRoc(y, probs, k)).toBeCloseTo(bruteForceMacroAuc(y, probs, k), 12);
  });

  it('AUC leaves out classes absent from the labels, and is NaN when none has both sides', () => {
    const y3 = Int32Array.from(y, (v) => (v === 3 ? 0 : v));
    expect(multiclassAucRoc(y3, probs, k)).toBeCloseTo(bruteForceMacroAuc(y3, probs, k), 12);
    expect(multiclassAucRoc([1, 1], [0.2, 0.8, 0.4, 0.6], 2)).toBeNaN();
  });

  it('weights like repeated rows', () => {
    const r = uniform(52);
    const w = Array.from({ length: y.length }, () => Math.floor(r() * 3));
    const yr = repeatRows(y, w);
    const pr = repeatRows(probs, w, k);
    expect(multiclassAccuracy(y, probs, k, w)).toBeCloseTo(multiclassAccuracy(yr, pr, k), 14);
    expect(multiclassLogLoss(y, probs, k, 1e-7, w)).toBeCloseTo(multiclassLogLoss(yr, pr, k), 12);
    expect(multiclassBrierScore(y, probs, k, w)).toBeCloseTo(multiclassBrierScore(yr, pr, k), 12);
    expect(multiclassExpectedCalibrationError(y, probs, k, { weights: w })).toBeCloseTo(
      multiclassExpectedCalibrationError(yr, pr, k),
      12,
    );
    expect(multiclassAucRoc(y, probs, k, w)).toBeCloseTo(bruteForceMacroAuc(yr, pr, k), 12);
  });
});
