import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { seededMlp } from '@kd/test-utils/seeded-mlp';
import { mulberry32 } from '../../src/util/random.js';

/** A linearly separable-ish binary problem with label noise, built from a seeded generator. */
export function toyBinary(
  rows: number,
  features = 4,
  seed = 7,
): { x: tf.Tensor2D; y: tf.Tensor1D; xs: number[][]; ys: number[] } {
  const random = mulberry32(seed);
  const xs: number[][] = [];
  const ys: number[] = [];
  for (let i = 0; i < rows; i++) {
    const row = Array.from({ length: features }, () => random() * 2 - 1);
    const score = row.reduce((a, b, j) => a + b * (j % 2 === 0 ? 1 : -0.5), 0);
    xs.push(row);
    ys.push(random() < 0.1 ? Number(score <= 0) : Number(score > 0));
  }
  return { x: tf.tensor2d(xs), y: tf.tensor1d(ys), xs, ys };
}

/**
 * A dense student with seeded initialisers: the same seed gives bit-identical weights. The hidden
 * layer (if any) is seeded with `seed` and the output layer with `seed + 100`.
 */
export function denseStudent(
  inputs: number,
  hidden: number,
  units = 1,
  seed = 1,
  activation: 'linear' | 'sigmoid' | 'softmax' = 'linear',
): tfl.LayersModel {
  return hidden > 0
    ? seededMlp({ units: [inputs, hidden, units], seed, seedStep: 100, output: activation })
    : seededMlp({ units: [inputs, units], seed: seed + 100, output: activation });
}

/** Plain-double sigmoid and BCE, independent of the implementation under test. */
export const sigmoid64 = (z: number): number => 1 / (1 + Math.exp(-z));
export const bce64 = (target: number, p: number): number => -(target * Math.log(p) + (1 - target) * Math.log(1 - p));
