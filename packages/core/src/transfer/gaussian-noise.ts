import * as tf from '@tensorflow/tfjs-core';
import { columnStd, readTransferInput, requireNumberIn } from './transfer-checks.js';
import { seededSampler } from './seeded-samplers.js';

/** Options for {@link gaussianNoise}. */
export interface GaussianNoiseOptions {
  /** Generated rows = multiple × training rows (default 1). */
  multiple?: number;
  /** Noise sd in units of each feature's standard deviation over the rows (default 0.1). */
  sd?: number;
  seed?: number;
}

/**
 * Noisy copies of the rows for a transfer set: each pass adds Normal(0, (sd · σ_f)²) to every
 * feature f, σ_f its standard deviation over the rows (a feature that never varies is left as it
 * is). Tabular rows or images; features only, multiple × N rows, pass by pass.
 *
 * @example
 * ```ts
 * const extra = await gaussianNoise(xTrain, { multiple: 2, sd: 0.1, seed: 0 });
 * ```
 */
export async function gaussianNoise(x: tf.Tensor, options: GaussianNoiseOptions = {}): Promise<tf.Tensor> {
  const where = 'gaussianNoise';
  const { values, rows, width, multiple } = await readTransferInput(where, x, options.multiple);
  const sd = requireNumberIn(where, 'sd', options.sd ?? 0.1, 0, Infinity);
  const sigma = columnStd(values, rows, width);
  const random = seededSampler(options.seed ?? 0);
  const out = new Float32Array(multiple * rows * width);
  for (let pass = 0; pass < multiple; pass++)
    for (let r = 0; r < rows; r++)
      for (let c = 0; c < width; c++) {
        const i = r * width + c;
        out[pass * rows * width + i] = values[i]! + sd * sigma[c]! * random.normal();
      }
  return tf.tensor(out, [multiple * rows, ...x.shape.slice(1)]);
}
