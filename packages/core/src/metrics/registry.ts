import { KdError } from '../errors/kd-error.js';
import { checkBinaryInputs, checkMulticlassInputs, checkOption } from './check-inputs.js';
import { computeMetricsUnchecked, secondColumn } from './unchecked.js';

/** Every metric {@link computeMetrics} knows, in a stable order. */
export const METRIC_NAMES = Object.freeze(['accuracy', 'auc', 'logLoss', 'brier', 'ece'] as const);

/** Name of a metric {@link computeMetrics} knows. */
export type MetricName = (typeof METRIC_NAMES)[number];

const DIRECTIONS: Readonly<Record<MetricName, 'max' | 'min'>> = {
  accuracy: 'max',
  auc: 'max',
  logLoss: 'min',
  brier: 'min',
  ece: 'min',
};

/**
 * True when `name` is a {@link MetricName}.
 *
 * @example
 * ```ts
 * isMetricName('auc'); // true
 * isMetricName('f1');  // false
 * ```
 */
export function isMetricName(name: unknown): name is MetricName {
  return typeof name === 'string' && Object.hasOwn(DIRECTIONS, name);
}

function requireMetricName(name: unknown): MetricName {
  if (!isMetricName(name)) {
    throw new KdError(
      'KD_METRIC_UNKNOWN',
      `Unknown metric ${typeof name === 'string' ? `'${name}'` : String(name)}; expected one of ${METRIC_NAMES.join(', ')}.`,
      { name, valid: [...METRIC_NAMES] },
    );
  }
  return name;
}

/** Throws KD_METRIC_UNKNOWN unless `names` is an array of {@link MetricName}s. */
export function requireMetricNames(where: string, names: unknown): MetricName[] {
  if (!Array.isArray(names)) {
    throw new KdError(
      'KD_METRIC_UNKNOWN',
      `${where}: \`names\` must be an array of metric names (${METRIC_NAMES.join(', ')}).`,
    );
  }
  return names.map(requireMetricName);
}

/**
 * Whether a larger (`'max'`) or smaller (`'min'`) value of the metric is better, for early
 * stopping and search.
 *
 * @example
 * ```ts
 * metricDirection('auc');     // 'max'
 * metricDirection('logLoss'); // 'min'
 * ```
 */
export function metricDirection(name: MetricName): 'max' | 'min' {
  return DIRECTIONS[requireMetricName(name)];
}

/** Labels, predictions and options for {@link computeMetrics}. */
export interface MetricInputs {
  /** Labels: 0/1 for binary, integer classes in [0, numClasses) for multi-class. */
  yTrue: ArrayLike<number>;
  /**
   * Probabilities: one per example (of the positive class) for binary, or row-major
   * [N, numClasses] softmax outputs for multi-class.
   */
  probs: ArrayLike<number>;
  /**
   * 1 for a single-output binary head, K ≥ 2 for a softmax head. Default: 1 when `probs` has one
   * value per label, otherwise `probs.length / yTrue.length`.
   */
  numClasses?: number;
  /** Optional sample weights, one per example. */
  weights?: ArrayLike<number>;
  /** Binary accuracy threshold (positive when p > threshold); default 0.5. */
  threshold?: number;
  /** ECE bin count; default 10. */
  bins?: number;
  /** Log-loss clipping; default 1e-7. */
  eps?: number;
}

function inferClasses(inputs: MetricInputs): number {
  const { yTrue, probs, numClasses } = inputs;
  if (numClasses !== undefined) {
    if (!Number.isInteger(numClasses) || numClasses < 1) {
      throw new KdError(
        'KD_INVALID_ARGUMENT',
        `computeMetrics: \`numClasses\` must be a whole number ≥ 1, got ${numClasses}.`,
        {
          numClasses,
        },
      );
    }
    return numClasses;
  }
  const n = yTrue?.length ?? 0;
  if (n === 0) {
    throw new KdError(
      'KD_DATA_INVALID',
      'computeMetrics: no examples (yTrue is empty). Metrics need at least one labelled example.',
    );
  }
  const k = (probs?.length ?? 0) / n;
  if (!Number.isInteger(k) || k < 1) {
    throw new KdError(
      'KD_SHAPE_MISMATCH',
      `computeMetrics: \`probs\` has ${probs?.length} values, which is not a whole multiple of the ${n} labels. ` +
        'Pass one probability per example (binary) or row-major [N, K] probabilities.',
      { labels: n, values: probs?.length },
    );
  }
  return k;
}

/**
 * Computes the named metrics on CPU arrays and returns them keyed by name.
 *
 * Binary when `numClasses` is 1, or 2 with one probability per example. A two-column softmax
 * ([N, 2]) is scored as binary on its second column, so both kinds of binary head report the same
 * values. With three or more classes: accuracy of the argmax, categorical log-loss, multi-class
 * Brier (Σ_k over classes, in [0, 2]), ECE on the top-class confidence and one-vs-rest macro AUC.
 *
 * `auc` is `NaN` when only one class is present (see {@link aucRoc}). Throws KdError
 * `KD_METRIC_UNKNOWN` for a name not in {@link METRIC_NAMES} and `KD_DATA_INVALID` for no examples.
 *
 * @example
 * ```ts
 * const probs = await model.predict(x).data();
 * computeMetrics(['accuracy', 'auc'], { yTrue: labels, probs, numClasses: 1 });
 * // { accuracy: 0.91, auc: 0.95 }
 * ```
 */
export function computeMetrics(names: readonly MetricName[], inputs: MetricInputs): Record<string, number> {
  const valid = requireMetricNames('computeMetrics', names);
  if (typeof inputs !== 'object' || inputs === null) {
    throw new KdError('KD_DATA_INVALID', 'computeMetrics: pass { yTrue, probs, numClasses? } as the second argument.');
  }
  const { yTrue, probs, weights, threshold = 0.5, bins = 10, eps = 1e-7 } = inputs;
  const k = inferClasses(inputs);
  checkOption('computeMetrics', 'threshold', threshold, 0, 1);
  checkOption('computeMetrics', 'eps', eps, 0, 0.5);
  checkOption('computeMetrics', 'bins', bins, 1, Number.MAX_SAFE_INTEGER, true);
  // Checked once here; the metrics below then read the values without checking them again.
  if (k === 1 || (k === 2 && probs?.length === yTrue?.length)) {
    const n = checkBinaryInputs('computeMetrics', yTrue, probs, weights);
    return computeMetricsUnchecked(valid, { n, yTrue, probs, numClasses: 1, weights, threshold, bins, eps });
  }
  if (k === 2) {
    // A two-column softmax is scored as binary on its second column.
    const n = checkMulticlassInputs('computeMetrics', yTrue, probs, 2, weights);
    const p = secondColumn(probs, n);
    return computeMetricsUnchecked(valid, { n, yTrue, probs: p, numClasses: 2, weights, threshold, bins, eps });
  }
  const n = checkMulticlassInputs('computeMetrics', yTrue, probs, k, weights);
  return computeMetricsUnchecked(valid, { n, yTrue, probs, numClasses: k, weights, threshold, bins, eps });
}
