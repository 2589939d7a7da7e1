import { KdError } from '../errors/kd-error.js';
import {
  findBinaryLabelProblem,
  findClassIndexProblem,
  findNonFinite,
  findProbabilityProblem,
  findProbabilityRowProblem,
  findSampleWeightProblem,
  findZeroWeightTotal,
} from '../values/index.js';

/** Throws KD_DATA_INVALID for no rows, KD_SHAPE_MISMATCH when `other` has a different length. */
function checkRows(
  where: string,
  yTrue: ArrayLike<number>,
  name: string,
  other: ArrayLike<number>,
  perRow: number,
): number {
  if (yTrue == null || typeof yTrue.length !== 'number' || other == null || typeof other.length !== 'number') {
    throw new KdError(
      'KD_DATA_INVALID',
      `${where}: \`yTrue\` and \`${name}\` must be arrays or typed arrays of numbers.`,
    );
  }
  const n = yTrue.length;
  if (n === 0) {
    throw new KdError(
      'KD_DATA_INVALID',
      `${where}: no examples (yTrue is empty). Metrics need at least one labelled example.`,
    );
  }
  if (other.length !== n * perRow) {
    const expected = perRow === 1 ? `${n} (one per label)` : `${n}·${perRow} = ${n * perRow} (row-major [N, K])`;
    throw new KdError('KD_SHAPE_MISMATCH', `${where}: \`${name}\` has ${other.length} values, expected ${expected}.`, {
      labels: n,
      values: other.length,
    });
  }
  return n;
}

function fail(problem: KdError | undefined): void {
  if (problem !== undefined) throw problem;
}

const PROBABILITY_HINT = 'check the model for divergence or pass its sigmoid/softmax output.';

/** Checks sample weights: one per example, finite, ≥ 0, not all 0. */
export function checkWeights(where: string, n: number, weights: ArrayLike<number> | undefined): void {
  if (weights === undefined) return;
  if (weights == null || weights.length !== n) {
    throw new KdError(
      'KD_SHAPE_MISMATCH',
      `${where}: \`weights\` must hold one weight per example (${n}), got ${weights?.length}.`,
      {
        expected: n,
        got: weights?.length,
      },
    );
  }
  const source = { where, name: '`weights`', argument: 'weights' };
  fail(findSampleWeightProblem(weights, source));
  fail(findZeroWeightTotal(weights, source));
}

/** Checks binary inputs (labels 0/1, probabilities in [0, 1], optional weights); returns N. */
export function checkBinaryInputs(
  where: string,
  yTrue: ArrayLike<number>,
  p: ArrayLike<number>,
  weights?: ArrayLike<number>,
): number {
  const n = checkRows(where, yTrue, 'p', p, 1);
  const labels = { where, name: 'yTrue' };
  fail(findNonFinite(yTrue, labels));
  fail(findBinaryLabelProblem(yTrue, labels));
  const probs = { where, name: '`p`', argument: 'p' };
  fail(findNonFinite(p, probs, `Probabilities must be finite: ${PROBABILITY_HINT}`));
  fail(findProbabilityProblem(p, probs));
  checkWeights(where, n, weights);
  return n;
}

/** Checks multi-class inputs (integer labels in [0, K), rows of probabilities summing to 1); returns N. */
export function checkMulticlassInputs(
  where: string,
  yTrue: ArrayLike<number>,
  probs: ArrayLike<number>,
  numClasses: number,
  weights?: ArrayLike<number>,
): number {
  if (!Number.isInteger(numClasses) || numClasses < 2) {
    throw new KdError(
      'KD_INVALID_ARGUMENT',
      `${where}: \`numClasses\` must be a whole number ≥ 2, got ${numClasses}. For one probability per example use the binary metrics.`,
      {
        numClasses,
      },
    );
  }
  const n = checkRows(where, yTrue, 'probs', probs, numClasses);
  const labels = { where, name: 'yTrue' };
  fail(findNonFinite(yTrue, labels));
  fail(findClassIndexProblem(yTrue, numClasses, labels));
  const source = { where, name: '`probs`', argument: 'probs' };
  fail(findNonFinite(probs, source, `Probabilities must be finite: ${PROBABILITY_HINT}`));
  fail(findProbabilityProblem(probs, source));
  fail(findProbabilityRowProblem(probs, numClasses, source));
  checkWeights(where, n, weights);
  return n;
}

/** Weight of example `i` (1 without weights). */
export function weightAt(weights: ArrayLike<number> | undefined, i: number): number {
  return weights === undefined ? 1 : weights[i]!;
}

/** `Σ wᵢ·value(i) / Σ wᵢ` over rows 0..n−1 (the plain mean without weights). */
export function weightedMean(n: number, weights: ArrayLike<number> | undefined, value: (i: number) => number): number {
  let sum = 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const w = weightAt(weights, i);
    sum += w * value(i);
    total += w;
  }
  return sum / total;
}

/** Throws KD_INVALID_ARGUMENT unless `value` is a number in [lo, hi] (or a whole number ≥ 1 for `integer`). */
export function checkOption(where: string, name: string, value: number, lo: number, hi: number, integer = false): void {
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    value >= lo &&
    value <= hi &&
    (!integer || Number.isInteger(value));
  if (!ok) {
    const expected = integer ? `a whole number ≥ ${lo}` : `a number in [${lo}, ${hi}]`;
    throw new KdError('KD_INVALID_ARGUMENT', `${where}: \`${name}\` must be ${expected}, got ${String(value)}.`, {
      [name]: value,
    });
  }
}
