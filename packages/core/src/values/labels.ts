import { KdError } from '../errors/kd-error.js';
import { detailsAt, lead, type ValueSource, type Values } from './value-source.js';

/*
 * The label rules, the same for the losses, the trainer and the metrics.
 *
 * Labels are hard: binary labels are 0 or 1; multi-class labels are class indices in [0, K) or
 * one-hot rows (a single 1, zeros elsewhere). Soft label rows (e.g. [0.7, 0.3]) are refused with
 * KD_LABEL_RANGE everywhere: soft targets are what the teacher is for (`precomputedTeacher` takes
 * any probability rows), and keeping labels hard keeps the hard loss and every metric (accuracy,
 * AUC, ECE need a true class per row) well defined.
 */

/** Binary labels must be exactly 0 or 1 (`KD_LABEL_RANGE`). Check finiteness first. */
export function findBinaryLabelProblem(values: Values, source: ValueSource): KdError | undefined {
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v !== 0 && v !== 1) {
      return new KdError(
        'KD_LABEL_RANGE',
        `${lead(source)}[${i}] is ${v}; binary labels must be 0 or 1. Map your classes to 0/1 first ` +
          '(for soft targets, distil them as the teacher instead).',
        detailsAt(source, i, { value: v }),
      );
    }
  }
  return undefined;
}

/**
 * Class indices must be integers in [0, K) (`KD_LABEL_RANGE`); non-negative integers when K is
 * not known yet. Check finiteness first.
 */
export function findClassIndexProblem(
  values: Values,
  numClasses: number | undefined,
  source: ValueSource,
): KdError | undefined {
  for (let i = 0; i < values.length; i++) {
    const c = values[i]!;
    if (!Number.isInteger(c) || c < 0 || (numClasses !== undefined && c >= numClasses)) {
      const range = numClasses === undefined ? 'a non-negative integer' : `an integer in [0, ${numClasses - 1}]`;
      return new KdError(
        'KD_LABEL_RANGE',
        `${lead(source)}[${i}] is ${c}; each class label must be ${range}` +
          (numClasses === undefined ? '.' : ` (the outputs have ${numClasses} classes).`),
        detailsAt(source, i, { value: c, numClasses }),
      );
    }
  }
  return undefined;
}

/**
 * Each row of `width` values must be one-hot: a single 1 and zeros elsewhere (`KD_LABEL_RANGE`).
 * `index` in the details is the row. Check finiteness first.
 */
export function findOneHotProblem(values: Values, width: number, source: ValueSource): KdError | undefined {
  for (let row = 0; row * width < values.length; row++) {
    let ones = 0;
    let clean = true;
    for (let j = row * width; j < (row + 1) * width; j++) {
      if (values[j] === 1) ones++;
      else if (values[j] !== 0) clean = false;
    }
    if (!clean || ones !== 1) {
      const shown = Array.from(values).slice(row * width, (row + 1) * width);
      return new KdError(
        'KD_LABEL_RANGE',
        `${lead(source)} row ${row} is [${shown.join(', ')}], not one-hot; each row of [N, K] labels must hold a single 1 ` +
          'and zeros elsewhere. Pass class indices [N] instead, and soft targets as the teacher (precomputedTeacher).',
        detailsAt(source, row, { row: shown }),
      );
    }
  }
  return undefined;
}

/** Class of each one-hot row (the position of its 1); the rows must have passed {@link findOneHotProblem}. */
export function oneHotClasses(values: Values, width: number): Int32Array {
  const rows = Math.floor(values.length / width);
  const out = new Int32Array(rows);
  for (let row = 0; row < rows; row++) {
    for (let k = 0; k < width; k++) if (values[row * width + k] === 1) out[row] = k;
  }
  return out;
}
