import { KdError } from '../errors/kd-error.js';
import { findNonFinite } from './finite.js';
import { detailsAt, lead, type ValueSource, type Values } from './value-source.js';

/**
 * Sample weights must be finite (`KD_NON_FINITE`) and ≥ 0 (`KD_DATA_INVALID`), in the losses,
 * the trainer and the metrics alike. A loss accepts a batch whose weights are all 0 (its value is
 * 0); an average over a whole data set needs {@link findZeroWeightTotal} as well.
 */
export function findSampleWeightProblem(values: Values, source: ValueSource): KdError | undefined {
  const nonFinite = findNonFinite(values, source, 'Sample weights must be finite numbers ≥ 0.');
  if (nonFinite !== undefined) return nonFinite;
  for (let i = 0; i < values.length; i++) {
    const w = values[i]!;
    if (w < 0) {
      return new KdError(
        'KD_DATA_INVALID',
        `${lead(source)}[${i}] is ${w}; sample weights must be ≥ 0. Use 0 to leave a sample out.`,
        detailsAt(source, i, { value: w }),
      );
    }
  }
  return undefined;
}

/** All weights 0 leaves nothing to average over (`KD_DATA_INVALID`). */
export function findZeroWeightTotal(values: Values, source: ValueSource): KdError | undefined {
  let total = 0;
  for (let i = 0; i < values.length; i++) total += values[i]!;
  if (total > 0) return undefined;
  return new KdError(
    'KD_DATA_INVALID',
    `${lead(source)}: all sample weights are 0, so there is nothing to average. Give some examples a positive weight.`,
    { argument: source.argument ?? source.name },
  );
}
