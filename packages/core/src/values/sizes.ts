import { KdError } from '../errors/kd-error.js';
import { describe } from './ranges.js';

/**
 * The most epochs one run may ask for. Far beyond any real run (a million passes over the data),
 * but small enough that epochs × steps per epoch stays an exact integer and a typo such as
 * `epochs: 1e9` is refused at once instead of failing deep in planning.
 */
export const MAX_EPOCHS = 1_000_000;

/**
 * The most steps one run may plan. The trainer computes α and T for every step before training
 * (two arrays of this length), so the bound keeps that plan within ~160 MB; at a typical 50-150
 * steps per second it is a run of one to two days. Split longer runs (they can resume from the
 * student's weights).
 */
export const MAX_TOTAL_STEPS = 10_000_000;

/**
 * Throws `KD_INVALID_ARGUMENT` unless `value` is a whole number in [min, max]: batch sizes, epochs,
 * counts. A fractional or zero batch size would make batching loops misalign rows or never end.
 *
 * @example
 * ```ts
 * requireWholeNumber('teacherBatchSize', options.teacherBatchSize ?? 256, { min: 1 });
 * ```
 */
export function requireWholeNumber(
  name: string,
  value: unknown,
  bounds: { min: number; max?: number; where?: string; hint?: string },
): number {
  const { min, max = Number.MAX_SAFE_INTEGER } = bounds;
  if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) return value;
  const range = max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `in [${min}, ${max}]`;
  const where = bounds.where === undefined ? '' : `${bounds.where}: `;
  throw new KdError(
    'KD_INVALID_ARGUMENT',
    `${where}${name} must be a whole number ${range}; got ${describe(value)}.` +
      (bounds.hint === undefined ? '' : ` ${bounds.hint}`),
    { argument: name, value },
  );
}
