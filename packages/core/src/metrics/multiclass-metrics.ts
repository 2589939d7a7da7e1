import { aucOfScores } from './auc-roc.js';
import { binnedCalibrationError } from './calibration.js';
import { checkMulticlassInputs, checkOption, weightedMean } from './check-inputs.js';

/** Index of the largest probability in row `i` (the first one on ties). */
function argmaxRow(probs: ArrayLike<number>, i: number, k: number): number {
  let best = 0;
  let bestValue = probs[i * k]!;
  for (let c = 1; c < k; c++) {
    const v = probs[i * k + c]!;
    if (v > bestValue) {
      best = c;
      bestValue = v;
    }
  }
  return best;
}

/**
 * Fraction of rows whose most probable class (the first on ties) is the label.
 * `probs` is row-major [N, numClasses]. With `weights`, the weighted fraction.
 *
 * @example
 * ```ts
 * multiclassAccuracy([2, 0], new Float32Array([0.1, 0.2, 0.7, 0.3, 0.6, 0.1]), 3); // 0.5
 * ```
 */
export function multiclassAccuracy(
  yTrue: ArrayLike<number>,
  probs: ArrayLike<number>,
  numClasses: number,
  weights?: ArrayLike<number>,
): number {
  const n = checkMulticlassInputs('multiclassAccuracy', yTrue, probs, numClasses, weights);
  return multiclassAccuracyUnchecked(n, yTrue, probs, numClasses, weights);
}

/** {@link multiclassAccuracy} on inputs already checked. */
export function multiclassAccuracyUnchecked(
  n: number,
  yTrue: ArrayLike<number>,
  probs: ArrayLike<number>,
  numClasses: number,
  weights: ArrayLike<number> | undefined,
): number {
  return weightedMean(n, weights, (i) => (argmaxRow(probs, i, numClasses) === yTrue[i] ? 1 : 0));
}

/**
 * Mean categorical cross-entropy `−ln p[label]` in nats, with p clipped to `[eps, 1 − eps]`.
 * `probs` is row-major [N, numClasses]. With `weights`, the weighted mean.
 *
 * @example
 * ```ts
 * multiclassLogLoss([2, 0], new Float32Array([0.1, 0.2, 0.7, 0.3, 0.6, 0.1]), 3); // (−ln 0.7 − ln 0.3) / 2
 * ```
 */
export function multiclassLogLoss(
  yTrue: ArrayLike<number>,
  probs: ArrayLike<number>,
  numClasses: number,
  eps = 1e-7,
  weights?: ArrayLike<number>,
): number {
  const n = checkMulticlassInputs('multiclassLogLoss', yTrue, probs, numClasses, weights);
  checkOption('multiclassLogLoss', 'eps', eps, 0, 0.5);
  return multiclassLogLossUnchecked(n, yTrue, probs, numClasses, eps, weights);
}

/** {@link multiclassLogLoss} on inputs already checked. */
export function multiclassLogLossUnchecked(
  n: number,
  yTrue: ArrayLike<number>,
  probs: ArrayLike<number>,
  numClasses: number,
  eps: number,
  weights: ArrayLike<number> | undefined,
): number {
  return weightedMean(
    n,
    weights,
    (i) => -Math.log(Math.min(Math.max(probs[i * numClasses + yTrue[i]!]!, eps), 1 - eps)),
  );
}

/**
 * Multi-class Brier score: mean over rows of `Σ_k (p_k − onehot_k)²`, in [0, 2]. For two classes
 * this is twice the binary {@link brierScore} of the second column. With `weights`, the weighted mean.
 *
 * @example
 * ```ts
 * multiclassBrierScore([0], new Float32Array([0.5, 0.25, 0.25]), 3); // 0.25 + 0.0625 + 0.0625 = 0.375
 * ```
 */
export function multiclassBrierScore(
  yTrue: ArrayLike<number>,
  probs: ArrayLike<number>,
  numClasses: number,
  weights?: ArrayLike<number>,
): number {
  const n = checkMulticlassInputs('multiclassBrierScore', yTrue, probs, numClasses, weights);
  return multiclassBrierScoreUnchecked(n, yTrue, probs, numClasses, weights);
}

/** {@link multiclassBrierScore} on inputs already checked. */
export function multiclassBrierScoreUnchecked(
  n: number,
  yTrue: ArrayLike<number>,
  probs: ArrayLike<number>,
  numClasses: number,
  weights: ArrayLike<number> | undefined,
): number {
  return weightedMean(n, weights, (i) => {
    let row = 0;
    for (let c = 0; c < numClasses; c++) row += (probs[i * numClasses + c]! - (c === yTrue[i] ? 1 : 0)) ** 2;
    return row;
  });
}

/**
 * Expected calibration error on the top-class confidence: each row's confidence is its largest
 * probability and its outcome is whether that class (the first on ties) is the label. Equal-width
 * bins over [0, 1] (`bins`, default 10), weighted by how many rows each bin holds.
 *
 * @example
 * ```ts
 * multiclassExpectedCalibrationError([2, 0], [0.1, 0.2, 0.7, 0.3, 0.6, 0.1], 3);
 * // rows fall in bins 7 (correct, 0.7) and 6 (wrong, 0.6): (0.3 + 0.6) / 2 = 0.45
 * ```
 */
export function multiclassExpectedCalibrationError(
  yTrue: ArrayLike<number>,
  probs: ArrayLike<number>,
  numClasses: number,
  options: { bins?: number; weights?: ArrayLike<number> } = {},
): number {
  const { bins = 10, weights } = options;
  const where = 'multiclassExpectedCalibrationError';
  const n = checkMulticlassInputs(where, yTrue, probs, numClasses, weights);
  checkOption(where, 'bins', bins, 1, Number.MAX_SAFE_INTEGER, true);
  return multiclassExpectedCalibrationErrorUnchecked(n, yTrue, probs, numClasses, bins, weights);
}

/** {@link multiclassExpectedCalibrationError} on inputs already checked. */
export function multiclassExpectedCalibrationErrorUnchecked(
  n: number,
  yTrue: ArrayLike<number>,
  probs: ArrayLike<number>,
  numClasses: number,
  bins: number,
  weights: ArrayLike<number> | undefined,
): number {
  const top = Int32Array.from({ length: n }, (_, i) => argmaxRow(probs, i, numClasses));
  return binnedCalibrationError(
    n,
    (i) => probs[i * numClasses + top[i]!]!,
    (i) => (top[i] === yTrue[i] ? 1 : 0),
    bins,
    weights,
  );
}

/**
 * One-vs-rest macro AUC: the mean over classes of the binary AUC of "this class vs the others"
 * scored by that class's probability. Classes absent from `yTrue` (or present in every row) have no
 * defined AUC and are left out of the mean; `NaN` when no class has one.
 *
 * @example
 * ```ts
 * multiclassAucRoc([0, 1, 2], new Float32Array([0.8, 0.1, 0.1, 0.2, 0.7, 0.1, 0.1, 0.1, 0.8]), 3); // 1
 * ```
 */
export function multiclassAucRoc(
  yTrue: ArrayLike<number>,
  probs: ArrayLike<number>,
  numClasses: number,
  weights?: ArrayLike<number>,
): number {
  const n = checkMulticlassInputs('multiclassAucRoc', yTrue, probs, numClasses, weights);
  return multiclassAucRocUnchecked(n, yTrue, probs, numClasses, weights);
}

/** {@link multiclassAucRoc} on inputs already checked. */
export function multiclassAucRocUnchecked(
  n: number,
  yTrue: ArrayLike<number>,
  probs: ArrayLike<number>,
  numClasses: number,
  weights: ArrayLike<number> | undefined,
): number {
  let sum = 0;
  let defined = 0;
  for (let c = 0; c < numClasses; c++) {
    const auc = aucOfScores(
      n,
      (i) => yTrue[i] === c,
      (i) => probs[i * numClasses + c]!,
      weights,
    );
    if (!Number.isNaN(auc)) {
      sum += auc;
      defined++;
    }
  }
  return defined === 0 ? Number.NaN : sum / defined;
}
