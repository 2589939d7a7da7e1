import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
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

/** A dense student with seeded initialisers: the same seed gives bit-identical weights. */
export function denseStudent(
  inputs: number,
  hidden: number,
  units = 1,
  seed = 1,
  activation: 'linear' | 'sigmoid' | 'softmax' = 'linear',
): tfl.LayersModel {
  const layers = [] as tfl.layers.Layer[];
  if (hidden > 0)
    layers.push(
      tfl.layers.dense({
        inputShape: [inputs],
        units: hidden,
        activation: 'relu',
        kernelInitializer: tfl.initializers.glorotUniform({ seed }),
        biasInitializer: 'zeros',
      }),
    );
  layers.push(
    tfl.layers.dense({
      ...(hidden > 0 ? {} : { inputShape: [inputs] }),
      units,
      activation,
      kernelInitializer: tfl.initializers.glorotUniform({ seed: seed + 100 }),
      biasInitializer: 'zeros',
    }),
  );
  return tfl.sequential({ layers });
}

/** Plain-double sigmoid and BCE, independent of the implementation under test. */
export const sigmoid64 = (z: number): number => 1 / (1 + Math.exp(-z));
export const bce64 = (target: number, p: number): number => -(target * Math.log(p) + (1 - target) * Math.log(1 - p));
