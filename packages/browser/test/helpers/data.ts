import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { seededMlp } from '@kd/test-utils/seeded-mlp';
import { mulberry32 as seeded } from '@kd/core/internal';

/** A small seeded generator (kd's mulberry32), so test data is the same bits on every backend. */
export { seeded };

/** Rows of features in [-1, 1), labels from a fixed linear rule, and a teacher's probabilities for them. */
export function binaryProblem(
  rows: number,
  features: number,
  seed = 1,
): { x: number[][]; y: number[]; teacher: number[] } {
  const r = seeded(seed);
  const w = Array.from({ length: features }, (_, j) => Math.sin(j + 1));
  const x = Array.from({ length: rows }, () => Array.from({ length: features }, () => 2 * r() - 1));
  const z = x.map((row) => row.reduce((s, v, j) => s + v * w[j]!, 0));
  return { x, y: z.map((v) => (v > 0 ? 1 : 0)), teacher: z.map((v) => 1 / (1 + Math.exp(-1.5 * v))) };
}

/** An MLP with seeded initial weights (layer i from `seed + i`): the same numbers on every backend. */
export function mlp(units: number[], seed = 7): tfl.LayersModel {
  return seededMlp({ units, seed: seed + 1 });
}

/** A model's weights as float64 arrays. */
export async function weightsOf(model: { getWeights(): tf.Tensor[] }): Promise<Float64Array[]> {
  return Promise.all(model.getWeights().map(async (w) => Float64Array.from(await w.data())));
}

/** Largest |a - b| / max(|b|, floor) over matching arrays. */
export function maxRelativeError(a: ArrayLike<number>[], b: ArrayLike<number>[], floor = 1e-3): number {
  let worst = 0;
  a.forEach((arr, i) => {
    const ref = b[i]!;
    if (arr.length !== ref.length) throw new Error(`length ${arr.length} vs ${ref.length}`);
    for (let k = 0; k < arr.length; k++)
      worst = Math.max(worst, Math.abs(arr[k]! - ref[k]!) / Math.max(Math.abs(ref[k]!), floor));
  });
  return worst;
}
