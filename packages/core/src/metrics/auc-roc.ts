import { checkBinaryInputs, weightAt } from './check-inputs.js';

/**
 * Area under the ROC curve: the probability that a random positive scores higher than a random
 * negative, ties counting one half (the Mann-Whitney U statistic divided by n₊·n₋, equal to the
 * rank-sum formula with tied ranks averaged). Exact, O(n log n).
 *
 * Returns `NaN` when the labels hold only one class (the area is undefined then).
 * With `weights`, each positive/negative pair counts with the product of their weights.
 *
 * @example
 * ```ts
 * aucRoc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]); // 0.75
 * aucRoc([1, 1], [0.3, 0.9]);                   // NaN
 * ```
 */
export function aucRoc(yTrue: ArrayLike<number>, p: ArrayLike<number>, weights?: ArrayLike<number>): number {
  const n = checkBinaryInputs('aucRoc', yTrue, p, weights);
  return aucRocUnchecked(n, yTrue, p, weights);
}

/** {@link aucRoc} on inputs already checked. */
export function aucRocUnchecked(
  n: number,
  yTrue: ArrayLike<number>,
  p: ArrayLike<number>,
  weights: ArrayLike<number> | undefined,
): number {
  return aucOfScores(
    n,
    (i) => yTrue[i] === 1,
    (i) => p[i]!,
    weights,
  );
}

/**
 * AUC of `n` scored examples without input checks, shared with one-vs-rest multi-class AUC.
 * Walks the examples in ascending score; within a group of tied scores each positive wins against
 * every negative below the group and ties with the group's negatives.
 */
export function aucOfScores(
  n: number,
  isPositive: (i: number) => boolean,
  score: (i: number) => number,
  weights: ArrayLike<number> | undefined,
): number {
  const order = Array.from({ length: n }, (_, i) => i);
  const scores = Float64Array.from(order, score);
  order.sort((a, b) => scores[a]! - scores[b]!);
  let negativesBelow = 0;
  let positives = 0;
  let wins = 0;
  for (let g = 0; g < n;) {
    const s = scores[order[g]!]!;
    let groupPos = 0;
    let groupNeg = 0;
    let j = g;
    for (; j < n && scores[order[j]!] === s; j++) {
      const i = order[j]!;
      if (isPositive(i)) groupPos += weightAt(weights, i);
      else groupNeg += weightAt(weights, i);
    }
    wins += groupPos * (negativesBelow + 0.5 * groupNeg);
    negativesBelow += groupNeg;
    positives += groupPos;
    g = j;
  }
  if (positives === 0 || negativesBelow === 0) return Number.NaN;
  return wins / (positives * negativesBelow);
}
