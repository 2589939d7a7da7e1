import * as tf from '@tensorflow/tfjs-core';
import { permutation } from '../util/random.js';
import { readTransferInput, requireNumberIn } from './transfer-checks.js';
import { seededSampler } from './seeded-samplers.js';

/** Options for {@link mixup}. */
export interface MixupOptions {
  /** Generated rows = multiple × training rows (default 1). */
  multiple?: number;
  /** λ ~ Beta(alpha, alpha) (default 0.2, mostly close to one of the two rows). */
  alpha?: number;
  seed?: number;
}

/**
 * Mixup rows (Zhang et al. 2018) for a transfer set: each pass pairs every row i with row π(i) of
 * a seeded random permutation π and returns λ·x_i + (1 − λ)·x_π(i), one λ ~ Beta(α, α) per
 * generated row. Works for tabular rows [N, F] and images [N, H, W, C] alike; returns features only
 * (the teacher labels them), multiple × N rows, pass by pass.
 *
 * @example
 * ```ts
 * const extra = await mixup(images, { multiple: 2, alpha: 0.2, seed: 0 });
 * ```
 */
export async function mixup(x: tf.Tensor, options: MixupOptions = {}): Promise<tf.Tensor> {
  const where = 'mixup';
  const { values, rows, width, multiple } = await readTransferInput(where, x, options.multiple);
  const alpha = requireNumberIn(where, 'alpha', options.alpha ?? 0.2, 0, Infinity, true);
  const random = seededSampler(options.seed ?? 0);
  const out = new Float32Array(multiple * rows * width);
  for (let pass = 0; pass < multiple; pass++) {
    const partner = permutation(rows, random.uniform);
    for (let r = 0; r < rows; r++) {
      const lambda = random.beta(alpha, alpha);
      const a = r * width;
      const b = partner[r]! * width;
      const o = (pass * rows + r) * width;
      for (let c = 0; c < width; c++) out[o + c] = lambda * values[a + c]! + (1 - lambda) * values[b + c]!;
    }
  }
  return tf.tensor(out, [multiple * rows, ...x.shape.slice(1)]);
}
