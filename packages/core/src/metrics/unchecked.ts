import { aucRocUnchecked } from './auc-roc.js';
import { accuracyUnchecked, brierScoreUnchecked, logLossUnchecked } from './binary-metrics.js';
import { expectedCalibrationErrorUnchecked } from './calibration.js';
import {
  multiclassAccuracyUnchecked,
  multiclassAucRocUnchecked,
  multiclassBrierScoreUnchecked,
  multiclassExpectedCalibrationErrorUnchecked,
  multiclassLogLossUnchecked,
} from './multiclass-metrics.js';
import type { MetricName } from './registry.js';

/**
 * Inputs that have passed the checks of the public metrics: labels, probabilities, weights and
 * options. Binary (`numClasses` ≤ 2) means one positive-class probability per row in `probs`.
 */
export interface CheckedMetricInputs {
  n: number;
  yTrue: ArrayLike<number>;
  probs: ArrayLike<number>;
  numClasses: number;
  weights: ArrayLike<number> | undefined;
  threshold: number;
  bins: number;
  eps: number;
}

/**
 * The named metrics without input checks. Internal: the public entries ({@link computeMetrics},
 * `evaluateStudent`, `evaluateTeacher`) check their inputs once and then call this, instead of
 * every metric reading every value again (five times per validation pass with the default set).
 */
export function computeMetricsUnchecked(
  names: readonly MetricName[],
  inputs: CheckedMetricInputs,
): Record<string, number> {
  const { n, yTrue, probs, numClasses: k, weights, threshold, bins, eps } = inputs;
  const out: Record<string, number> = {};
  for (const name of names) {
    if (k <= 2) {
      if (name === 'accuracy') out[name] = accuracyUnchecked(n, yTrue, probs, threshold, weights);
      else if (name === 'auc') out[name] = aucRocUnchecked(n, yTrue, probs, weights);
      else if (name === 'logLoss') out[name] = logLossUnchecked(n, yTrue, probs, eps, weights);
      else if (name === 'brier') out[name] = brierScoreUnchecked(n, yTrue, probs, weights);
      else out[name] = expectedCalibrationErrorUnchecked(n, yTrue, probs, bins, weights);
    } else if (name === 'accuracy') out[name] = multiclassAccuracyUnchecked(n, yTrue, probs, k, weights);
    else if (name === 'auc') out[name] = multiclassAucRocUnchecked(n, yTrue, probs, k, weights);
    else if (name === 'logLoss') out[name] = multiclassLogLossUnchecked(n, yTrue, probs, k, eps, weights);
    else if (name === 'brier') out[name] = multiclassBrierScoreUnchecked(n, yTrue, probs, k, weights);
    else out[name] = multiclassExpectedCalibrationErrorUnchecked(n, yTrue, probs, k, bins, weights);
  }
  return out;
}

/** The positive-class column of a row-major [N, 2] softmax output. */
export function secondColumn(probs: ArrayLike<number>, n: number): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => probs[2 * i + 1]!);
}
