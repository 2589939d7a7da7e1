import { KdError } from '../errors/kd-error.js';
import { detailsAt, lead, type ValueSource, type Values } from './value-source.js';

/**
 * The first non-finite value (NaN, ±Infinity) as `KD_NON_FINITE`, or undefined. Every input kd
 * reads (features, labels, outputs, weights) is checked with this rule first, so a NaN always
 * gets this code rather than the code of whichever range check would have seen it.
 */
export function findNonFinite(values: Values, source: ValueSource, hint?: string): KdError | undefined {
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) {
      return new KdError(
        'KD_NON_FINITE',
        `${lead(source)}[${i}] is ${v}; every value must be finite. ` +
          (hint ??
            'Check the data pipeline (missing values, division by zero) or lower the learning rate if a model diverged.'),
        detailsAt(source, i, { value: v }),
      );
    }
  }
  return undefined;
}
