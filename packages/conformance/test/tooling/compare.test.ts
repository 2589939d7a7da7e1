import { describe, expect, it } from 'vitest';
import { compareValues } from '../../src/reference/compare.js';
import { tolerancesFor } from '../../src/reference/tolerance.js';

describe('compareValues', () => {
  it('holds each entry to atol + rtol·|expected| and reports the largest differences', () => {
    const d = compareValues([1.00001, 2, -3.00029], [1, 2, -3], { rtol: 1e-4, atol: 0 });
    expect(d.within).toBe(true);
    expect(d.maxAbs).toBeCloseTo(2.9e-4, 10);
    expect(d.maxRel).toBeCloseTo(2.9e-4 / 3, 10);
  });

  it('fails an entry just outside the tolerance and points at it', () => {
    const d = compareValues([1, 2.0003], [1, 2], { rtol: 1e-4, atol: 0 });
    expect(d.within).toBe(false);
    expect(d.worstIndex).toBe(1);
  });

  it('never accepts NaN, and rejects sequences of different lengths', () => {
    expect(compareValues([Number.NaN], [1], { rtol: 1, atol: 1 }).within).toBe(false);
    const d = compareValues([1, 2], [1], { rtol: 1, atol: 1 });
    expect(d.within).toBe(false);
    expect(d.problem).toMatch(/2 values, expected 1/);
  });

  it('uses atol where the reference is 0', () => {
    expect(compareValues([5e-7], [0], { rtol: 1e-5, atol: 1e-6 }).within).toBe(true);
    expect(compareValues([5e-6], [0], { rtol: 1e-5, atol: 1e-6 }).within).toBe(false);
  });
});

describe('tolerancesFor', () => {
  it('follows the float precision: ~1e-5 relative on float32, ~1e-2 on float16', () => {
    expect(tolerancesFor(32).loss.rtol).toBe(1e-5);
    expect(tolerancesFor(16).loss.rtol).toBe(1e-2);
    expect(tolerancesFor(32).trajectory.rtol).toBeGreaterThan(tolerancesFor(32).loss.rtol);
  });
});
