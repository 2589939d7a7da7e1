import type { Tolerance } from './tolerance.js';

/** How far measured values are from their reference. */
export interface Difference {
  /** Largest `|actual − expected|`. */
  maxAbs: number;
  /** Largest `|actual − expected| / |expected|` (over entries whose expected value is not 0). */
  maxRel: number;
  /** Index of the entry furthest outside the tolerance (or furthest from its reference). */
  worstIndex: number;
  /** Whether every entry is within the tolerance. */
  within: boolean;
  /** Why the comparison failed before any value was compared (lengths differ). */
  problem?: string;
}

/**
 * Compares two sequences entry by entry with `|a − e| ≤ atol + rtol·|e|`. A NaN or an infinity
 * where the reference is finite is never within tolerance.
 *
 * @example
 * ```ts
 * compareValues([1.000001], [1], { rtol: 1e-5, atol: 0 }).within; // true
 * ```
 */
export function compareValues(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tolerance: Tolerance,
): Difference {
  if (actual.length !== expected.length) {
    return {
      maxAbs: Infinity,
      maxRel: Infinity,
      worstIndex: -1,
      within: false,
      problem: `got ${actual.length} values, expected ${expected.length}`,
    };
  }
  let maxAbs = 0;
  let maxRel = 0;
  let worstIndex = -1;
  let worstExcess = -Infinity;
  let within = true;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    const abs = Math.abs(a - e);
    const d = Number.isNaN(abs) ? Infinity : abs;
    maxAbs = Math.max(maxAbs, d);
    if (e !== 0) maxRel = Math.max(maxRel, d / Math.abs(e));
    const excess = d - (tolerance.atol + tolerance.rtol * Math.abs(e));
    if (excess > 0) within = false;
    if (excess > worstExcess) {
      worstExcess = excess;
      worstIndex = i;
    }
  }
  return { maxAbs, maxRel, worstIndex, within };
}

/** The larger of two differences, entry by entry (for summaries over many cases). */
export function worstOf(a: Difference | undefined, b: Difference): Difference {
  if (a === undefined) return b;
  return {
    maxAbs: Math.max(a.maxAbs, b.maxAbs),
    maxRel: Math.max(a.maxRel, b.maxRel),
    worstIndex: -1,
    within: a.within && b.within,
    ...(a.problem || b.problem ? { problem: a.problem ?? b.problem } : {}),
  };
}

/** One line for an assertion message: the measured differences, the tolerance and the worst entry. */
export function describeDifference(
  label: string,
  d: Difference,
  tolerance: Tolerance,
  actual?: ArrayLike<number>,
  expected?: ArrayLike<number>,
): string {
  if (d.problem) return `${label}: ${d.problem}`;
  const worst =
    d.worstIndex >= 0 && actual && expected
      ? `; worst at [${d.worstIndex}]: got ${actual[d.worstIndex]}, expected ${expected[d.worstIndex]}`
      : '';
  return (
    `${label}: max |Δ| ${d.maxAbs.toExponential(2)}, max rel ${d.maxRel.toExponential(2)} ` +
    `(tolerance rtol ${tolerance.rtol}, atol ${tolerance.atol})${worst}`
  );
}
