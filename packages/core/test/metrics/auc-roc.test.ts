import { describe, expect, it } from 'vitest';
import { aucRoc } from '../../src/metrics/index.js';
import { binaryCase, repeatRows, uniform } from './fixtures.js';

/** O(n²) pair count: each positive/negative pair scores 1 if ordered right, 0.5 if tied. */
function bruteForceAuc(y: ArrayLike<number>, p: ArrayLike<number>, w?: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < y.length; i++) {
    if (y[i] !== 1) continue;
    for (let j = 0; j < y.length; j++) {
      if (y[j] !== 0) continue;
      const pair = (w ? w[i]! : 1) * (w ? w[j]! : 1);
      num += pair * (p[i]! > p[j]! ? 1 : p[i] === p[j] ? 0.5 : 0);
      den += pair;
    }
  }
  return num / den;
}

describe('aucRoc', () => {
  it('matches a hand count', () => {
    expect(aucRoc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])).toBe(0.75);
    expect(aucRoc([0, 1], [0.2, 0.9])).toBe(1);
    expect(aucRoc([1, 0], [0.2, 0.9])).toBe(0);
    expect(aucRoc([1, 0, 1, 0], [0.5, 0.5, 0.5, 0.5])).toBe(0.5);
  });

  it('matches the brute-force pair count on random data', () => {
    for (const seed of [1, 2, 3]) {
      const { y, p } = binaryCase(400, seed);
      expect(aucRoc(y, p)).toBeCloseTo(bruteForceAuc(y, p), 12);
    }
  });

  it('counts ties as one half (heavily tied scores)', () => {
    for (const seed of [4, 5]) {
      const { y, p } = binaryCase(300, seed, 1);
      expect(new Set(p).size).toBeLessThan(12);
      expect(aucRoc(y, p)).toBeCloseTo(bruteForceAuc(y, p), 12);
    }
  });

  it('weights pairs by the product of sample weights, like repeating rows', () => {
    const { y, p } = binaryCase(120, 6, 1);
    const r = uniform(7);
    const w = Array.from({ length: y.length }, () => Math.floor(r() * 4));
    const expected = bruteForceAuc(repeatRows(y, w), repeatRows(p, w));
    expect(aucRoc(y, p, w)).toBeCloseTo(expected, 12);
    expect(aucRoc(y, p, w)).toBeCloseTo(bruteForceAuc(y, p, w), 12);
  });

  it('returns NaN when only one class is present', () => {
    expect(aucRoc([1, 1, 1], [0.2, 0.5, 0.9])).toBeNaN();
    expect(aucRoc([0], [0.3])).toBeNaN();
    // positives present but all with weight 0
    expect(aucRoc([1, 0, 0], [0.9, 0.1, 0.2], [0, 1, 1])).toBeNaN();
  });

  it('matches a histogram count on a large, heavily tied input', () => {
    // Scores rounded to 3 decimals: at most 1001 distinct values, so AUC can be counted exactly per
    // score level (negatives below + half the ties), an O(n + levels) formula independent of ranking.
    const { y, p } = binaryCase(200_000, 8, 3);
    const pos = new Float64Array(1001);
    const neg = new Float64Array(1001);
    for (let i = 0; i < y.length; i++) (y[i] === 1 ? pos : neg)[Math.round(p[i]! * 1000)]! += 1;
    let below = 0;
    let pairs = 0;
    for (let level = 0; level <= 1000; level++) {
      pairs += pos[level]! * (below + 0.5 * neg[level]!);
      below += neg[level]!;
    }
    const totalPos = pos.reduce((a, b) => a + b, 0);
    expect(aucRoc(y, p)).toBeCloseTo(pairs / (totalPos * below), 10);
  });
});
