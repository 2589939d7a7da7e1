import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { customStudent, type CustomStudent } from '@kd/core';
import { mulberry32 } from './random.js';

const glorot = (seed: number) => tfl.initializers.glorotUniform({ seed });

/**
 * A multi-layer perceptron with seeded initialisers and a logits output: the same seed gives
 * bit-identical weights on every backend.
 */
export function mlpStudent(seed: number, inputs: number, units: number): tfl.LayersModel {
  return tfl.sequential({
    layers: [
      tfl.layers.dense({
        inputShape: [inputs],
        units: 16,
        activation: 'relu',
        kernelInitializer: glorot(seed),
        biasInitializer: 'zeros',
      }),
      tfl.layers.dense({ units: 8, activation: 'tanh', kernelInitializer: glorot(seed + 1), biasInitializer: 'zeros' }),
      tfl.layers.dense({ units, kernelInitializer: glorot(seed + 2), biasInitializer: 'zeros' }),
    ],
  });
}

/**
 * A small convolutional student for 8×8×1 inputs: Conv2D, batch normalisation, SeparableConv2D,
 * max pooling, DepthwiseConv2D, average pooling and a dense logits layer. Training it needs the
 * convolution gradients (Conv2DBackpropFilter/Input, DepthwiseConv2dNativeBackpropFilter/Input).
 */
export function convStudent(seed: number, units: number): tfl.LayersModel {
  return tfl.sequential({
    layers: [
      tfl.layers.conv2d({
        inputShape: [8, 8, 1],
        filters: 4,
        kernelSize: 3,
        padding: 'same',
        useBias: false,
        kernelInitializer: glorot(seed),
      }),
      tfl.layers.batchNormalization({}),
      tfl.layers.separableConv2d({
        filters: 6,
        kernelSize: 3,
        padding: 'same',
        activation: 'relu',
        depthwiseInitializer: glorot(seed + 1),
        pointwiseInitializer: glorot(seed + 2),
        biasInitializer: 'zeros',
      }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.depthwiseConv2d({
        kernelSize: 3,
        padding: 'same',
        activation: 'relu',
        depthwiseInitializer: glorot(seed + 3),
        biasInitializer: 'zeros',
      }),
      tfl.layers.averagePooling2d({ poolSize: 2 }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units, kernelInitializer: glorot(seed + 4), biasInitializer: 'zeros' }),
    ],
  });
}

/** Glorot-uniform values drawn in JavaScript from a seeded generator. */
function glorotValues(random: () => number, fanIn: number, fanOut: number): Float32Array {
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  return Float32Array.from({ length: fanIn * fanOut }, () => (random() * 2 - 1) * limit);
}

/**
 * A hand-written two-layer student (`customStudent`): `tanh(x·W1 + b1)·W2 + b2`, logits out.
 * Its weights come from a seeded JavaScript generator.
 */
export function customMlpStudent(seed: number, inputs: number, units: number, hidden = 10): CustomStudent {
  const random = mulberry32(seed);
  const w1 = tf.variable(tf.tensor2d(glorotValues(random, inputs, hidden), [inputs, hidden]));
  const b1 = tf.variable(tf.zeros([hidden]));
  const w2 = tf.variable(tf.tensor2d(glorotValues(random, hidden, units), [hidden, units]));
  const b2 = tf.variable(tf.zeros([units]));
  return customStudent({
    name: 'custom-mlp',
    output: 'logits',
    variables: { w1, b1, w2, b2 },
    forward: (x) => tf.add(tf.matMul(tf.tanh(tf.add(tf.matMul(tf.reshape(x, [x.shape[0]!, inputs]), w1), b1)), w2), b2),
  });
}
