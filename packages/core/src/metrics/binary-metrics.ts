import { checkBinaryInputs, checkOption, weightedMean } from './check-inputs.js';

/**
 * Fraction of examples whose thresholded probability matches the label; an example is predicted
 * positive when `p > threshold` (as in Keras/TF.js `binaryAccuracy`).
 * With `weights`, the weighted fraction.
 *
 * @example
 * ```ts
 * accuracy([0, 1, 1], [0.2, 0.7, 0.4]); // 2/3
 * ```
 */
export function accuracy(
  yTrue: ArrayLike<number>,
  p: ArrayLike<number>,
  threshold = 0.5,
  weights?: ArrayLike<number>,
): number {
  const n = checkBinaryInputs('accuracy', yTrue, p, weights);
  checkOption('accuracy', 'threshold', threshold, 0, 1);
  return accuracyUnchecked(n, yTrue, p, threshold, weights);
}

/** {@link accuracy} on inputs already checked (see metrics/unchecked.ts). */
export function accuracyUnchecked(
  n: number,
  yTrue: ArrayLike<number>,
  p: ArrayLike<number>,
  threshold: number,
  weights: ArrayLike<number> | undefined,
): number {
  return weightedMean(n, weights, (i) => ((p[i]! > threshold ? 1 : 0) === yTrue[i] ? 1 : 0));
}

/**
 * Mean binary cross-entropy `−[y·ln p + (1−y)·ln(1−p)]` in nats, with p clipped to
 * `[eps, 1 − eps]` so confident mistakes stay finite. With `weights`, the weighted mean.
 *
 * @example
 * ```ts
 * logLoss([1, 0], [0.9, 0.2]); // (−ln 0.9 − ln 0.8) / 2 ≈ 0.164
 * ```
 */
export function logLoss(
  yTrue: ArrayLike<number>,
  p: ArrayLike<number>,
  eps = 1e-7,
  weights?: ArrayLike<number>,
): number {
  const n = checkBinaryInputs('logLoss', yTrue, p, weights);
  checkOption('logLoss', 'eps', eps, 0, 0.5);
  return logLossUnchecked(n, yTrue, p, eps, weights);
}

/** {@link logLoss} on inputs already checked. */
export function logLossUnchecked(
  n: number,
  yTrue: ArrayLike<number>,
  p: ArrayLike<number>,
  eps: number,
  weights: ArrayLike<number> | undefined,
): number {
  return weightedMean(n, weights, (i) => {
    const q = Math.min(Math.max(p[i]!, eps), 1 - eps);
    return -(yTrue[i] === 1 ? Math.log(q) : Math.log(1 - q));
  });
}

/**
 * Brier score: mean squared difference `(p − y)²` between probability and label, in [0, 1]
 * (lower is better). With `weights`, the weighted mean.
 *
 * @example
 * ```ts
 * brierScore([1, 0], [0.9, 0.2]); // (0.01 + 0.04) / 2 = 0.025
 * ```
 */
export function brierScore(yTrue: ArrayLike<number>, p: ArrayLike<number>, weights?: ArrayLike<number>): number {
  const n = checkBinaryInputs('brierScore', yTrue, p, weights);
  return brierScoreUnchecked(n, yTrue, p, weights);
}

/** {@link brierScore} on inputs already checked. */
export function brierScoreUnchecked(
  n: number,
  yTrue: ArrayLike<number>,
  p: ArrayLike<number>,
  weights: ArrayLike<number> | undefined,
): number {
  return weightedMean(n, weights, (i) => (p[i]! - yTrue[i]!) ** 2);
}
