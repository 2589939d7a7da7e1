import { KdError } from '../errors/kd-error.js';

/** Accuracy and log-loss of one model on the same held-out rows. */
export interface QualityPoint {
  accuracy: number;
  logLoss: number;
}

/** Options for {@link gapClosed}. */
export interface GapClosedOptions {
  /** A gap at or below this (in the metric's units) counts as no gap (default 0). */
  minGap?: { accuracy?: number; logLoss?: number };
}

/** What share of the scratch → ensemble gap the distilled student closed, per metric. */
export interface GapClosed {
  /**
   * (distilled − scratch) / (ensemble − scratch) in accuracy: 1 = as good as the ensemble, 0 = no
   * better than scratch, negative = worse than scratch. Null when the ensemble is not more accurate
   * than scratch by more than `minGap.accuracy`.
   */
  accuracy: number | null;
  /** (scratch − distilled) / (scratch − ensemble) in log-loss; null likewise when there is no gap. */
  logLoss: number | null;
}

/**
 * The share of the gap between a student trained from scratch and the ensemble that distillation
 * closed, on the same held-out rows.
 *
 * @example
 * ```ts
 * gapClosed({
 *   scratch: { accuracy: 0.9, logLoss: 0.3 },
 *   distilled: { accuracy: 0.93, logLoss: 0.25 },
 *   ensemble: { accuracy: 0.96, logLoss: 0.1 },
 * }); // { accuracy: 0.5, logLoss: 0.25 }
 * ```
 */
export function gapClosed(
  points: { scratch: QualityPoint; distilled: QualityPoint; ensemble: QualityPoint },
  options: GapClosedOptions = {},
): GapClosed {
  for (const name of ['scratch', 'distilled', 'ensemble'] as const) {
    const p = points[name];
    if (!p || !Number.isFinite(p.accuracy) || !Number.isFinite(p.logLoss))
      throw new KdError(
        'KD_INVALID_ARGUMENT',
        `gapClosed: ${name} needs finite accuracy and logLoss, got ${JSON.stringify(p)}.`,
        { [name]: p },
      );
  }
  const minAcc = options.minGap?.accuracy ?? 0;
  const minLoss = options.minGap?.logLoss ?? 0;
  for (const [name, v] of [
    ['minGap.accuracy', minAcc],
    ['minGap.logLoss', minLoss],
  ] as const)
    if (!Number.isFinite(v) || v < 0)
      throw new KdError('KD_INVALID_ARGUMENT', `gapClosed: ${name} is ${v}; it must be a finite number ≥ 0.`);
  const { scratch, distilled, ensemble } = points;
  const accGap = ensemble.accuracy - scratch.accuracy;
  const lossGap = scratch.logLoss - ensemble.logLoss;
  return {
    accuracy: accGap > minAcc ? (distilled.accuracy - scratch.accuracy) / accGap : null,
    logLoss: lossGap > minLoss ? (scratch.logLoss - distilled.logLoss) / lossGap : null,
  };
}
