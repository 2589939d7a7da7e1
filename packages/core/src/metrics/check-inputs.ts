import { KdError } from '../errors/kd-error.js';

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

function checkProbability(where: string, name: string, values: ArrayLike<number>, i: number): void {
  const v = values[i]!;
  if (!Number.isFinite(v)) {
    throw new KdError(
      'KD_NON_FINITE',
      `${where}: \`${name}\`[${i}] is ${v}. Probabilities must be finite; check the model for divergence.`,
      {
        index: i,
        value: v,
      },
    );
  }
  if (v < 0 || v > 1) {
    throw new KdError(
      'KD_PROBABILITY_RANGE',
      `${where}: \`${name}\`[${i}] is ${v}, outside [0, 1]. Pass probabilities (after sigmoid/softmax), not logits.`,
      { index: i, value: v },
    );
  }
}

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
  let total = 0;
  for (let i = 0; i < n; i++) {
    const w = weights[i]!;
    if (!Number.isFinite(w) || w < 0) {
      throw new KdError(
        'KD_DATA_INVALID',
        `${where}: \`weights\`[${i}] is ${w}; sample weights must be finite and ≥ 0.`,
        { index: i, value: w },
      );
    }
    total += w;
  }
  if (total === 0) {
    throw new KdError(
      'KD_DATA_INVALID',
      `${where}: all sample weights are 0, so there is nothing to average. Give some examples a positive weight.`,
    );
  }
}

/** Checks binary inputs (labels 0/1, probabilities in [0, 1], optional weights); returns N. */
export function checkBinaryInputs(
  where: string,
  yTrue: ArrayLike<number>,
  p: ArrayLike<number>,
  weights?: ArrayLike<number>,
): number {
  const n = checkRows(where, yTrue, 'p', p, 1);
  for (let i = 0; i < n; i++) {
    const y = yTrue[i];
    if (y !== 0 && y !== 1) {
      throw new KdError(
        'KD_LABEL_RANGE',
        `${where}: binary labels must be 0 or 1; yTrue[${i}] is ${y}. Map your classes to 0/1 first.`,
        {
          index: i,
          value: y,
        },
      );
    }
    checkProbability(where, 'p', p, i);
  }
  checkWeights(where, n, weights);
  return n;
}

/** How far a row of probabilities may sum from 1 (float32 softmax, reduced-precision backends). */
const ROW_SUM_TOLERANCE = 1e-2;

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
  for (let i = 0; i < n; i++) {
    const y = yTrue[i]!;
    if (!Number.isInteger(y) || y < 0 || y >= numClasses) {
      throw new KdError(
        'KD_LABEL_RANGE',
        `${where}: class labels must be integers in [0, ${numClasses - 1}]; yTrue[${i}] is ${y}.`,
        {
          index: i,
          value: y,
        },
      );
    }
    let sum = 0;
    for (let k = 0; k < numClasses; k++) {
      checkProbability(where, 'probs', probs, i * numClasses + k);
      sum += probs[i * numClasses + k]!;
    }
    if (Math.abs(sum - 1) > ROW_SUM_TOLERANCE) {
      throw new KdError(
        'KD_PROBABILITY_RANGE',
        `${where}: row ${i} of \`probs\` sums to ${sum}, not 1. Pass softmax probabilities in row-major [N, ${numClasses}] order.`,
        { row: i, sum },
      );
    }
  }
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
