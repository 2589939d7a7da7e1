import type * as tf from '@tensorflow/tfjs-core';
import { gaussianNoise } from '../transfer/gaussian-noise.js';
import { mixup } from '../transfer/mixup.js';
import { munge } from '../transfer/munge.js';
import type { TransferOptions } from './types.js';

/** The rows `transfer` generates from `x` (features only; the caller owns them). */
export function generateTransferRows(
  x: tf.Tensor,
  transfer: TransferOptions,
  seed = transfer.seed ?? 0,
): Promise<tf.Tensor> {
  const { multiple } = transfer;
  switch (transfer.method) {
    case 'munge':
      return munge(x, {
        multiple,
        seed,
        ...(transfer.p !== undefined ? { p: transfer.p } : {}),
        ...(transfer.s !== undefined ? { s: transfer.s } : {}),
        ...(transfer.categorical !== undefined ? { categorical: transfer.categorical } : {}),
      });
    case 'mixup':
      return mixup(x, { multiple, seed, ...(transfer.alpha !== undefined ? { alpha: transfer.alpha } : {}) });
    case 'noise':
      return gaussianNoise(x, { multiple, seed, ...(transfer.sd !== undefined ? { sd: transfer.sd } : {}) });
  }
}

/**
 * The generator, its options (defaults filled in) and seed as one canonical string: the recipe
 * half of the cache key of the teacher's outputs on generated rows.
 */
export function transferRecipe(transfer: TransferOptions): string {
  const seed = transfer.seed ?? 0;
  const common = { multiple: transfer.multiple, seed };
  switch (transfer.method) {
    case 'munge':
      return JSON.stringify({
        method: 'munge',
        ...common,
        p: transfer.p ?? 0.5,
        s: transfer.s ?? 1,
        categorical: [...(transfer.categorical ?? [])].sort((a, b) => a - b),
      });
    case 'mixup':
      return JSON.stringify({ method: 'mixup', ...common, alpha: transfer.alpha ?? 0.2 });
    case 'noise':
      return JSON.stringify({ method: 'noise', ...common, sd: transfer.sd ?? 0.1 });
  }
}

/**
 * The generator seed of streamed batch `batch`: each batch gets its own draws, and the same ones
 * on every pass, so its generated rows (and their cached teacher outputs) repeat exactly.
 */
export function batchTransferSeed(seed: number, batch: number): number {
  return (seed ^ Math.imul(batch + 1, 0x9e3779b1)) >>> 0;
}
