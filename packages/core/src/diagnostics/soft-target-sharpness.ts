import { KdError } from '../errors/kd-error.js';
import {
  findBinaryLabelProblem,
  findClassIndexProblem,
  findNonFinite,
  findProbabilityProblem,
  requireWholeNumber,
} from '../values/index.js';

/**
 * Below this mean |t − y| the soft targets are nearly the labels: a teacher that reproduces its own
 * training labels this closely adds almost nothing the hard loss does not already say.
 */
export const NEARLY_LABELS_THRESHOLD = 0.02;

/** Soft targets within (SOFT_LOW, 1 − SOFT_LOW) count as soft; beyond it they are as good as 0 or 1. */
export const SOFT_LOW = 0.05;

/** How sharp a teacher's targets are on labelled rows; see {@link softTargetSharpness}. */
export interface SoftTargetSharpness {
  rows: number;
  /** Mean |t − y| (binary); mean total variation ½·Σₖ|tₖ − yₖ| against the one-hot label (multi-class). */
  meanAbsGap: number;
  /** Mean entropy of the targets in nats: binary entropy of t, or Shannon entropy of the row. */
  meanEntropy: number;
  /** Share of rows whose target is soft: t in (0.05, 0.95), i.e. the largest probability below 0.95. */
  softShare: number;
  /** True when `meanAbsGap` < the threshold (default {@link NEARLY_LABELS_THRESHOLD}). */
  nearlyLabels: boolean;
  /** The threshold `nearlyLabels` was judged with. */
  threshold: number;
}

/** Options for {@link softTargetSharpness}. */
export interface SoftTargetSharpnessOptions {
  /** Columns per row of `targets` (default 1: binary targets, one probability of the positive class). */
  units?: number;
  /** `nearlyLabels` is set when mean |t − y| is below this (default {@link NEARLY_LABELS_THRESHOLD}). */
  threshold?: number;
}

/**
 * Measures how much a teacher's soft targets say beyond the labels. `targets` are probabilities
 * (row-major [N, units]); `labels` are 0/1 (binary) or class indices (multi-class).
 *
 * @example
 * ```ts
 * const s = softTargetSharpness([0.99, 0.02, 0.7], [1, 0, 1]);
 * // s.meanAbsGap = (0.01 + 0.02 + 0.3) / 3 = 0.11; s.softShare = 1/3; s.nearlyLabels = false
 * ```
 */
export function softTargetSharpness(
  targets: ArrayLike<number>,
  labels: ArrayLike<number>,
  options: SoftTargetSharpnessOptions = {},
): SoftTargetSharpness {
  const where = 'softTargetSharpness';
  const units = requireWholeNumber('units', options.units ?? 1, { min: 1, where });
  const threshold = options.threshold ?? NEARLY_LABELS_THRESHOLD;
  if (!Number.isFinite(threshold) || threshold < 0)
    throw new KdError('KD_INVALID_ARGUMENT', `${where}: threshold is ${threshold}; it must be a finite number ≥ 0.`);
  const n = labels.length;
  if (n === 0 || targets.length !== n * units)
    throw new KdError(
      'KD_SHAPE_MISMATCH',
      `${where}: ${n} labels need ${n * units} target values (${units} per row), got ${targets.length}. ` +
        'Give one target row per label, with at least one row.',
      { labels: n, targets: targets.length, units },
    );
  const fail = (p: KdError | undefined) => {
    if (p) throw p;
  };
  fail(
    findNonFinite(targets, { where, name: 'targets' }) ?? findProbabilityProblem(targets, { where, name: 'targets' }),
  );
  fail(findNonFinite(labels, { where, name: 'labels' }));
  fail(
    units === 1
      ? findBinaryLabelProblem(labels, { where, name: 'labels' })
      : findClassIndexProblem(labels, units, { where, name: 'labels' }),
  );

  let gap = 0;
  let entropy = 0;
  let soft = 0;
  for (let i = 0; i < n; i++) {
    if (units === 1) {
      const t = targets[i]!;
      gap += Math.abs(t - labels[i]!);
      entropy += plogp(t) + plogp(1 - t);
      if (t > SOFT_LOW && t < 1 - SOFT_LOW) soft++;
    } else {
      let tv = 0;
      let top = 0;
      for (let k = 0; k < units; k++) {
        const t = targets[i * units + k]!;
        tv += Math.abs(t - (labels[i] === k ? 1 : 0));
        entropy += plogp(t);
        if (t > top) top = t;
      }
      gap += tv / 2;
      if (top < 1 - SOFT_LOW) soft++;
    }
  }
  const meanAbsGap = gap / n;
  return {
    rows: n,
    meanAbsGap,
    meanEntropy: entropy / n,
    softShare: soft / n,
    nearlyLabels: meanAbsGap < threshold,
    threshold,
  };
}

/** −p·ln p, with the limit 0 at p = 0. */
function plogp(p: number): number {
  return p > 0 ? -p * Math.log(p) : 0;
}
