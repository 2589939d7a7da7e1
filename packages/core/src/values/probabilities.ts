import { KdError } from '../errors/kd-error.js';
import { detailsAt, lead, type ValueSource, type Values } from './value-source.js';

/**
 * How far a row of softmax probabilities may sum from 1, everywhere kd checks one (teacher
 * outputs for the losses, predictions for the metrics).
 *
 * Why 1e-2: the check is there to catch values that are not a distribution at all (logits, or
 * per-class sigmoids), which miss 1 by far more. Honest outputs miss it only by rounding, and on a
 * float16 backend (WebGL on many devices reports `floatPrecision: 16`) each of K probabilities is
 * rounded to about 5e-4 relative, after a softmax computed in the same precision: a row of an
 * honest float16 teacher can miss 1 by more than 1e-3. A tighter bound would refuse such teachers.
 */
export const PROBABILITY_ROW_SUM_TOLERANCE = 1e-2;

/** Every value must lie in [0, 1] (`KD_PROBABILITY_RANGE`). Check finiteness first. */
export function findProbabilityProblem(values: Values, source: ValueSource, hint?: string): KdError | undefined {
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < 0 || v > 1) {
      return new KdError(
        'KD_PROBABILITY_RANGE',
        `${lead(source)}[${i}] is ${v}, outside [0, 1]. Pass probabilities (after sigmoid/softmax), not logits` +
          (hint === undefined ? '.' : `: ${hint}`),
        detailsAt(source, i, { value: v }),
      );
    }
  }
  return undefined;
}

/**
 * Each row of `width` probabilities must sum to 1 within {@link PROBABILITY_ROW_SUM_TOLERANCE}
 * (`KD_PROBABILITY_RANGE`); `index` in the details is the row.
 */
export function findProbabilityRowProblem(
  values: Values,
  width: number,
  source: ValueSource,
  hint?: string,
): KdError | undefined {
  for (let row = 0; row * width < values.length; row++) {
    let sum = 0;
    for (let j = row * width; j < (row + 1) * width; j++) sum += values[j]!;
    if (Math.abs(sum - 1) > PROBABILITY_ROW_SUM_TOLERANCE) {
      return new KdError(
        'KD_PROBABILITY_RANGE',
        `${lead(source)} row ${row} sums to ${sum}; softmax probabilities must sum to 1 per row ` +
          `(±${PROBABILITY_ROW_SUM_TOLERANCE}). ` +
          (hint ?? `Pass softmax outputs in row-major [N, ${width}] order, or logits declared as logits.`),
        detailsAt(source, row, { sum }),
      );
    }
  }
  return undefined;
}
