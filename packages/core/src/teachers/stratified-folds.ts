import { KdError } from '../errors/kd-error.js';
import { mulberry32, permutation } from '../util/random.js';
import { requireWholeNumber } from '../values/index.js';

/**
 * Assigns each row to one of `k` folds, stratified by class: every class is spread over the folds
 * as evenly as it can be (fold sizes of a class differ by at most one), in a seeded random order.
 * `classes` holds one class id per row (0/1, or a class index).
 *
 * @example
 * ```ts
 * stratifiedFolds([0, 0, 1, 1], 2, 0); // e.g. Int32Array [1, 0, 0, 1]: one 0 and one 1 in each fold
 * ```
 */
export function stratifiedFolds(classes: ArrayLike<number>, k: number, seed: number): Int32Array {
  const n = classes.length;
  requireWholeNumber('folds', k, {
    min: 2,
    max: Math.max(2, n),
    where: 'stratifiedFolds',
    hint: `Use between 2 and the number of rows (${n}) folds.`,
  });
  if (n < k)
    throw new KdError('KD_INVALID_ARGUMENT', `stratifiedFolds: ${k} folds need at least ${k} rows, got ${n}.`, {
      rows: n,
      folds: k,
    });
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const c = classes[i]!;
    if (!Number.isFinite(c))
      throw new KdError('KD_NON_FINITE', `stratifiedFolds: the class of row ${i} is ${c}; labels must be finite.`, {
        index: i,
      });
    let rows = byClass.get(c);
    if (!rows) byClass.set(c, (rows = []));
    rows.push(i);
  }
  const random = mulberry32(seed);
  const folds = new Int32Array(n);
  // One running counter over all classes keeps the folds' total sizes balanced too.
  let next = 0;
  for (const c of [...byClass.keys()].sort((a, b) => a - b)) {
    const rows = byClass.get(c)!;
    const order = permutation(rows.length, random);
    for (let j = 0; j < rows.length; j++) folds[rows[order[j]!]!] = next++ % k;
  }
  return folds;
}
