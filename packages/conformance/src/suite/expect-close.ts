import { expect } from 'vitest';
import { compareValues, describeDifference, type Difference } from '../reference/compare.js';
import type { Tolerance } from '../reference/tolerance.js';

/** Asserts that `actual` is within `tolerance` of `expected`, entry by entry; returns the difference. */
export function expectClose(
  label: string,
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tolerance: Tolerance,
): Difference {
  const d = compareValues(actual, expected, tolerance);
  expect(d.within, describeDifference(label, d, tolerance, actual, expected)).toBe(true);
  return d;
}
