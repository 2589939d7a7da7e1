import * as tf from '@tensorflow/tfjs-core';
import type { LossParts, LossReduction, LossValue } from './types.js';

/**
 * Weighs and reduces per-sample hard and soft losses (both `[N]`) and forms
 * `total = α·hard + (1 − α)·soft`. Reductions are linear, so reducing the parts first and then
 * mixing gives the same total as mixing per sample.
 */
export function reduceLossParts<R extends LossReduction>(
  hard: tf.Tensor,
  soft: tf.Tensor,
  alpha: number,
  sampleWeight: tf.Tensor | undefined,
  reduction: R,
): LossParts<LossValue<R>> {
  const weights = sampleWeight === undefined ? undefined : tf.reshape(tf.cast(sampleWeight, 'float32'), [-1]);
  // A batch whose weights are all 0 has Σ w·l = 0: dividing by 1 instead of 0 gives 0, not NaN.
  // (tf.divNoNan would do the same but has no gradient in tfjs.)
  const weightSum = weights === undefined ? undefined : tf.sum(weights);
  const weightTotal =
    weightSum === undefined ? undefined : tf.where(tf.greater(weightSum, 0), weightSum, tf.onesLike(weightSum));
  const reduce = (perSample: tf.Tensor): tf.Tensor => {
    const weighted = weights === undefined ? perSample : tf.mul(perSample, weights);
    if (reduction === 'none') return weighted;
    if (reduction === 'sum') return tf.sum(weighted);
    return weights === undefined ? tf.mean(weighted) : tf.div(tf.sum(weighted), weightTotal!);
  };
  const hardReduced = reduce(hard);
  const softReduced = reduce(soft);
  const total = tf.add(tf.mul(alpha, hardReduced), tf.mul(1 - alpha, softReduced));
  return { total, hard: hardReduced, soft: softReduced } as LossParts<LossValue<R>>;
}
