import { checkBinaryInputs, checkOption, weightAt } from './check-inputs.js';

/** Options of the expected calibration error. */
export interface CalibrationOptions {
  /** Number of equal-width bins over [0, 1]; default 10. */
  bins?: number;
  /** Optional sample weights, one per example. */
  weights?: ArrayLike<number>;
}

/**
 * ECE from per-example confidences and outcomes: examples fall into `bins` equal-width bins on the
 * confidence (bin b holds b ≤ c·bins < b+1; a confidence of 1 joins the last bin) and the result is
 * Σ_b (weight_b / total)·|mean outcome_b − mean confidence_b|.
 */
export function binnedCalibrationError(
  n: number,
  confidence: (i: number) => number,
  outcome: (i: number) => number,
  bins: number,
  weights: ArrayLike<number> | undefined,
): number {
  const count = new Float64Array(bins);
  const confSum = new Float64Array(bins);
  const outcomeSum = new Float64Array(bins);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const c = confidence(i);
    const b = Math.min(Math.floor(c * bins), bins - 1);
    const w = weightAt(weights, i);
    count[b]! += w;
    confSum[b]! += w * c;
    outcomeSum[b]! += w * outcome(i);
    total += w;
  }
  let ece = 0;
  for (let b = 0; b < bins; b++) {
    if (count[b]! > 0) ece += Math.abs(outcomeSum[b]! - confSum[b]!) / total;
  }
  return ece;
}

/**
 * Expected calibration error of a binary classifier: how far the predicted probability of the
 * positive class is from the observed rate of positives, averaged over equal-width bins of the
 * probability and weighted by how many examples each bin holds. 0 is perfectly calibrated.
 *
 * Bin b (of `bins`, default 10) holds probabilities with b ≤ p·bins < b+1; p = 1 joins the last
 * bin. ECE = Σ_b (n_b / N)·|mean(y)_b − mean(p)_b|.
 *
 * @example
 * ```ts
 * expectedCalibrationError([0, 1, 1, 1], [0.2, 0.8, 0.8, 0.8], { bins: 10 }); // (1/4)·0.2 + (3/4)·0.2 ≈ 0.2
 * ```
 */
export function expectedCalibrationError(
  yTrue: ArrayLike<number>,
  p: ArrayLike<number>,
  options: CalibrationOptions = {},
): number {
  const { bins = 10, weights } = options;
  const n = checkBinaryInputs('expectedCalibrationError', yTrue, p, weights);
  checkOption('expectedCalibrationError', 'bins', bins, 1, Number.MAX_SAFE_INTEGER, true);
  return expectedCalibrationErrorUnchecked(n, yTrue, p, bins, weights);
}

/** {@link expectedCalibrationError} on inputs already checked. */
export function expectedCalibrationErrorUnchecked(
  n: number,
  yTrue: ArrayLike<number>,
  p: ArrayLike<number>,
  bins: number,
  weights: ArrayLike<number> | undefined,
): number {
  return binnedCalibrationError(
    n,
    (i) => p[i]!,
    (i) => yTrue[i]!,
    bins,
    weights,
  );
}
