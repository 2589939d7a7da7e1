import { KdError } from '@kd/core';
import { mulberry32, permutation } from '@kd/core/internal';

/** Row indices of the three splits. */
export interface SplitIndices {
  train: number[];
  validation: number[];
  test: number[];
}

/**
 * Splits rows into train / validation / test, stratified by label and seeded: each class's rows
 * are shuffled with the seed and the first `test` share goes to the test split, the next
 * `validation` share to validation. The same labels, fractions and seed always give the same
 * split, which is why `kd train-teacher` and `kd distill` hold out the same test rows.
 *
 * @example
 * ```ts
 * const { train, validation, test } = stratifiedSplit(labels, { validation: 0.2, test: 0.2, seed: 0 });
 * ```
 */
export function stratifiedSplit(
  labels: ArrayLike<number>,
  options: { validation: number; test: number; seed: number },
): SplitIndices {
  const { validation, test, seed } = options;
  if (validation + test >= 1)
    throw new KdError(
      'KD_INVALID_ARGUMENT',
      `--validation ${validation} and --test ${test} leave no training rows; keep their sum below 1.`,
      { validation, test },
    );
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i]!;
    if (!byClass.has(c)) byClass.set(c, []);
    byClass.get(c)!.push(i);
  }
  const split: SplitIndices = { train: [], validation: [], test: [] };
  for (const c of [...byClass.keys()].sort((a, b) => a - b)) {
    const rows = byClass.get(c)!;
    const order = permutation(rows.length, mulberry32(seed * 7919 + c));
    const nTest = Math.round(rows.length * test);
    const nVal = Math.round(rows.length * validation);
    order.forEach((p, i) => {
      const row = rows[p]!;
      (i < nTest ? split.test : i < nTest + nVal ? split.validation : split.train).push(row);
    });
  }
  for (const part of ['train', 'validation', 'test'] as const) split[part].sort((a, b) => a - b);
  if (split.train.length === 0)
    throw new KdError('KD_DATA_INVALID', `The data has ${labels.length} rows: too few to split. Give more rows.`);
  return split;
}
