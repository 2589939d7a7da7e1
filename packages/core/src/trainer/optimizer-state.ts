import * as tf from '@tensorflow/tfjs-core';

/**
 * The tensors of an `optimizer.getWeights()` answer that were made for the call, which the caller
 * disposes: everything but the optimizer's own variables (the iteration count always; kd's
 * default Adam's moments too, tfjs's Adam hands out its moment variables themselves).
 */
export function madeForTheCall(weights: ReadonlyArray<{ tensor: tf.Tensor }>): tf.Tensor[] {
  return weights.map((w) => w.tensor).filter((t) => !(t instanceof tf.Variable));
}

/** The names of an optimizer's own variables that `getWeights` leaves out (Adam's β powers), sorted. */
export function extraVariableNames(optimizer: tf.Optimizer, weights: ReadonlyArray<{ tensor: tf.Tensor }>): string[] {
  const listed = new Set<tf.Tensor>(weights.map((w) => w.tensor));
  return Object.keys(optimizer)
    .filter((k) => {
      const v = (optimizer as unknown as Record<string, unknown>)[k];
      return v instanceof tf.Variable && !listed.has(v);
    })
    .sort();
}
