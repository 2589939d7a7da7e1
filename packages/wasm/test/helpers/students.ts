import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { randomValues } from './numbers.js';

const glorot = (seed: number) => tfl.initializers.glorotUniform({ seed });

/** A student with one of each trainable conv layer kind, a BN and both pooling kinds; softmax over 3 classes. */
export function convStudent(): tfl.Sequential {
  return tfl.sequential({
    layers: [
      tfl.layers.conv2d({
        inputShape: [12, 12, 2],
        filters: 4,
        kernelSize: 3,
        padding: 'same',
        activation: 'relu',
        kernelInitializer: glorot(1),
        biasInitializer: 'zeros',
      }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.depthwiseConv2d({
        kernelSize: 3,
        depthMultiplier: 2,
        padding: 'valid',
        depthwiseInitializer: glorot(2),
      }),
      tfl.layers.batchNormalization(),
      tfl.layers.separableConv2d({
        filters: 6,
        kernelSize: 3,
        strides: 2,
        padding: 'same',
        depthMultiplier: 2,
        depthwiseInitializer: glorot(3),
        pointwiseInitializer: glorot(4),
        activation: 'relu',
      }),
      tfl.layers.averagePooling2d({ poolSize: 2, padding: 'same' }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: glorot(5) }),
    ],
  });
}

/** Strided 'valid' convolution, depthwise with multiplier 3, pooling with stride 1, a Dense + BN head; one sigmoid output. */
export function stridedStudent(): tfl.Sequential {
  return tfl.sequential({
    layers: [
      tfl.layers.conv2d({
        inputShape: [8, 8, 1],
        filters: 3,
        kernelSize: 3,
        strides: 2,
        padding: 'valid',
        activation: 'elu',
        kernelInitializer: glorot(11),
      }),
      tfl.layers.depthwiseConv2d({
        kernelSize: 2,
        depthMultiplier: 3,
        padding: 'same',
        depthwiseInitializer: glorot(12),
        useBias: true,
      }),
      tfl.layers.averagePooling2d({ poolSize: 2, strides: 1, padding: 'valid' }),
      tfl.layers.maxPooling2d({ poolSize: 2, strides: 1, padding: 'same' }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 8, activation: 'relu', kernelInitializer: glorot(13) }),
      tfl.layers.batchNormalization(),
      tfl.layers.dense({ units: 1, activation: 'sigmoid', kernelInitializer: glorot(14) }),
    ],
  });
}

/** 1-D convolution and pooling (pool windows one row high: the case stock wasm MaxPoolGrad gets wrong). */
export function sequenceStudent(): tfl.Sequential {
  return tfl.sequential({
    layers: [
      tfl.layers.conv1d({
        inputShape: [16, 2],
        filters: 3,
        kernelSize: 3,
        padding: 'same',
        kernelInitializer: glorot(21),
      }),
      tfl.layers.maxPooling1d({ poolSize: 2 }),
      tfl.layers.globalMaxPooling1d({}),
      tfl.layers.dense({ units: 2, activation: 'softmax', kernelInitializer: glorot(22) }),
    ],
  });
}

/** Token ids through an Embedding (its gradient is UnsortedSegmentSum) into a 1-D conv. */
export function embeddingStudent(): tfl.Sequential {
  return tfl.sequential({
    layers: [
      tfl.layers.embedding({
        inputDim: 10,
        outputDim: 4,
        inputLength: 6,
        embeddingsInitializer: tfl.initializers.randomUniform({ minval: -0.5, maxval: 0.5, seed: 31 }),
      }),
      tfl.layers.conv1d({ filters: 3, kernelSize: 2, activation: 'tanh', kernelInitializer: glorot(32) }),
      tfl.layers.globalAveragePooling1d({}),
      tfl.layers.dense({ units: 2, activation: 'softmax', kernelInitializer: glorot(33) }),
    ],
  });
}

export interface StudentSpec {
  name: string;
  build: () => tfl.Sequential;
  /** Makes inputs and targets on the active backend. */
  batch: (seed: number) => { x: tf.Tensor; y: tf.Tensor };
  loss: (y: tf.Tensor, p: tf.Tensor) => tf.Tensor;
}

const oneHot = (n: number, classes: number, seed: number) =>
  tf.tidy(() => tf.oneHot(tf.tensor1d(Array.from(randomValues(n, seed, 0, classes), Math.floor), 'int32'), classes));

export const STUDENTS: StudentSpec[] = [
  {
    name: 'conv (Conv2D, DepthwiseConv2D, SeparableConv2D, pooling, BN, Dense)',
    build: convStudent,
    batch: (s) => ({ x: tf.tensor4d(randomValues(4 * 12 * 12 * 2, s), [4, 12, 12, 2]), y: oneHot(4, 3, s + 1) }),
    loss: tfl.metrics.categoricalCrossentropy,
  },
  {
    name: 'strided (valid padding, stride 2, multiplier 3)',
    build: stridedStudent,
    batch: (s) => ({
      x: tf.tensor4d(randomValues(4 * 8 * 8, s), [4, 8, 8, 1]),
      y: tf.tensor2d(randomValues(4, s + 1, 0, 1), [4, 1]),
    }),
    loss: tfl.metrics.binaryCrossentropy,
  },
  {
    name: 'sequence (Conv1D, MaxPooling1D)',
    build: sequenceStudent,
    batch: (s) => ({ x: tf.tensor3d(randomValues(4 * 16 * 2, s), [4, 16, 2]), y: oneHot(4, 2, s + 1) }),
    loss: tfl.metrics.categoricalCrossentropy,
  },
  {
    name: 'embedding (Embedding, Conv1D)',
    build: embeddingStudent,
    batch: (s) => ({
      x: tf.tensor2d(Array.from(randomValues(4 * 6, s, 0, 10), Math.floor), [4, 6], 'int32'),
      y: oneHot(4, 2, s + 1),
    }),
    loss: tfl.metrics.categoricalCrossentropy,
  },
];

/** Loss and the gradient of every trainable variable (in `model.trainableWeights` order), as plain arrays. */
export function lossAndGradients(
  spec: StudentSpec,
  model: tfl.LayersModel,
  seed: number,
): { loss: number; grads: Float32Array[] } {
  const { x, y } = spec.batch(seed);
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const { value, grads } = tf.variableGrads(
    () => tf.mean(spec.loss(y, model.apply(x, { training: true }) as tf.Tensor)) as tf.Scalar,
    vars,
  );
  const out = {
    loss: value.dataSync()[0] as number,
    grads: vars.map((v) => (grads[v.name] as tf.Tensor).dataSync() as Float32Array),
  };
  tf.dispose([x, y, value, ...Object.values(grads)]);
  return out;
}
