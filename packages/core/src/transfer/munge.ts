import * as tf from '@tensorflow/tfjs-core';
import { KdError } from '../errors/kd-error.js';
import { columnStd, readTransferInput, requireNumberIn } from './transfer-checks.js';
import { seededSampler } from './seeded-samplers.js';

/** Options for {@link munge}. */
export interface MungeOptions {
  /** Generated rows = multiple × training rows (default 1). */
  multiple?: number;
  /** Probability that a value is swapped for its neighbour's (default 0.5). */
  p?: number;
  /** Local variance: a swapped value is drawn with sd = |a − b| / s (default 1; larger s, closer to b). */
  s?: number;
  /** Column indices of nominal features: a swapped nominal value is the neighbour's, without noise. */
  categorical?: number[];
  seed?: number;
}

/**
 * MUNGE (Bucilă, Caruana & Niculescu-Mizil 2006, "Model compression"): synthetic tabular rows for
 * a transfer set, to be labelled by the teacher. For every training row `e` and its nearest
 * neighbour `b` (Euclidean, in features scaled by their standard deviation; columns that never
 * vary are ignored), each generated row keeps `e`'s value of a feature with probability 1 − p,
 * and with probability p takes a draw from Normal(b_a, |e_a − b_a| / s) instead (the neighbour's
 * value itself for a nominal feature). Each of the `multiple` passes does this for every row, so
 * the result has multiple × N rows, pass by pass. It returns features only: no labels.
 *
 * The paper also changes the neighbour in the same step; generating one side per row keeps each
 * generated value tied to one (row, neighbour) pair. The neighbour search is brute force,
 * O(N² · features): fine for tens of thousands of rows.
 *
 * @example
 * ```ts
 * const extra = await munge(xTrain, { multiple: 4, p: 0.5, s: 1, seed: 0 });
 * ```
 */
export async function munge(x: tf.Tensor, options: MungeOptions = {}): Promise<tf.Tensor2D> {
  const where = 'munge';
  if (x instanceof tf.Tensor && x.rank !== 2)
    throw new KdError(
      'KD_DATA_INVALID',
      `${where}: x must be tabular rows [N, features], got [${x.shape.join(', ')}].`,
    );
  const { values, rows, width, multiple } = await readTransferInput(where, x, options.multiple, 2);
  const p = requireNumberIn(where, 'p', options.p ?? 0.5, 0, 1);
  const s = requireNumberIn(where, 's', options.s ?? 1, 0, Infinity, true);
  const nominal = new Uint8Array(width);
  for (const c of options.categorical ?? []) {
    if (!Number.isInteger(c) || c < 0 || c >= width)
      throw new KdError('KD_INVALID_ARGUMENT', `${where}: categorical column ${c} is not in [0, ${width - 1}].`, {
        column: c,
      });
    nominal[c] = 1;
  }
  const neighbour = nearestNeighbours(values, rows, width);
  const random = seededSampler(options.seed ?? 0);
  const out = new Float32Array(multiple * rows * width);
  for (let pass = 0; pass < multiple; pass++) {
    for (let r = 0; r < rows; r++) {
      const e = r * width;
      const b = neighbour[r]! * width;
      const o = (pass * rows + r) * width;
      for (let a = 0; a < width; a++) {
        const ea = values[e + a]!;
        const ba = values[b + a]!;
        if (random.uniform() >= p) out[o + a] = ea;
        else out[o + a] = nominal[a] ? ba : ba + (Math.abs(ea - ba) / s) * random.normal();
      }
    }
  }
  return tf.tensor2d(out, [multiple * rows, width]);
}

/** Index of each row's nearest other row (scaled Euclidean; ties go to the lower index). */
export function nearestNeighbours(values: Float32Array, rows: number, width: number): Int32Array {
  const sd = columnStd(values, rows, width);
  const scale = Float64Array.from(sd, (v) => (v > 0 ? 1 / v : 0));
  const nn = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    let best = Infinity;
    let bestJ = -1;
    for (let j = 0; j < rows; j++) {
      if (j === i) continue;
      let d = 0;
      for (let a = 0; a < width && d < best; a++) {
        const diff = (values[i * width + a]! - values[j * width + a]!) * scale[a]!;
        d += diff * diff;
      }
      if (d < best) {
        best = d;
        bestJ = j;
      }
    }
    nn[i] = bestJ;
  }
  return nn;
}
