import * as tf from '@tensorflow/tfjs-core';
import type { OutputKind } from './output-kind.js';

/** Probabilities are clamped to [EPS, 1 − EPS] before a logit or log is taken. */
const EPS = 1e-7;

/**
 * Converts [N, units] outputs between logits and probabilities (sigmoid for 1 unit, softmax
 * otherwise). Teachers combine members with it and the trainer puts teacher and student outputs
 * in the space a loss or metric expects; the result is always a new tensor.
 */
export function toSpace(values: tf.Tensor2D, from: OutputKind, to: OutputKind): tf.Tensor2D {
  const binary = values.shape[1] === 1;
  if (from === to) return values.clone();
  if (to === 'probabilities') return binary ? tf.sigmoid(values) : tf.softmax(values);
  const p = tf.clipByValue(values, EPS, 1 - EPS);
  // log p is a valid logit vector for softmax (softmax is shift-invariant); for one unit the logit is log(p / (1 − p)).
  return binary ? tf.sub(tf.log(p), tf.log1p(tf.neg(p))) : tf.log(p);
}
