// The quality benchmark's teachers: K MLPs with the same architecture trained side by side in one
// batched computation (one set of kernels per step for all K), so that a seed's 5 ensemble members
// and its 5 × 5 out-of-fold fold members train in about the time of a few. Each member has its own
// seeded initialisation and, through a 0/1 row mask, its own training rows (a fold member never
// sees its held-out fold); all members see the same seeded batch order. Plain tfjs-core, no kd:
// the teachers are the benchmark's fixed input, the students are what it measures.
import { setImmediate as nextTurn } from 'node:timers/promises';
import * as tf from '@tensorflow/tfjs-core';
import { mulberry32, permutation } from '@kd/core/internal';

/** Glorot-uniform values for a [fanIn, fanOut] kernel, from a seeded generator. */
function glorot(rand, count, fanIn, fanOut) {
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  return Float32Array.from({ length: count }, () => (2 * rand() - 1) * limit);
}

/**
 * Trains K MLPs `features → hidden[0] → hidden[1] → 1` (ReLU, sigmoid output) with binary
 * cross-entropy and Adam, each on the rows its mask marks. Returns `predict(x)`: [K, N] probabilities.
 *
 * @param {{ x: tf.Tensor2D, y: tf.Tensor1D, hidden: [number, number], masks: Float32Array[],
 *   epochs: number, batchSize: number, learningRate: number, seed: number }} o
 */
export async function trainStackedMlps(o) {
  const [n, features] = o.x.shape;
  const k = o.masks.length;
  const [h1, h2] = o.hidden;
  const rand = mulberry32(o.seed * 7919 + 17);
  const w1 = tf.variable(tf.tensor2d(glorot(rand, features * k * h1, features, h1), [features, k * h1]));
  const b1 = tf.variable(tf.zeros([k * h1]));
  const w2 = tf.variable(tf.tensor3d(glorot(rand, k * h1 * h2, h1, h2), [k, h1, h2]));
  const b2 = tf.variable(tf.zeros([k, 1, h2]));
  const w3 = tf.variable(tf.tensor3d(glorot(rand, k * h2, h2, 1), [k, h2, 1]));
  const b3 = tf.variable(tf.zeros([k, 1, 1]));
  const vars = [w1, b1, w2, b2, w3, b3];
  const logits = (xb) => {
    const rows = xb.shape[0];
    const a1 = tf.relu(tf.add(tf.matMul(xb, w1), b1));
    const perMember = tf.transpose(tf.reshape(a1, [rows, k, h1]), [1, 0, 2]);
    const a2 = tf.relu(tf.add(tf.matMul(perMember, w2), b2));
    return tf.reshape(tf.add(tf.matMul(a2, w3), b3), [k, rows]);
  };
  const maskAll = tf.tensor2d(
    Float32Array.from({ length: k * n }, (_, i) => o.masks[Math.floor(i / n)][i % n]),
    [k, n],
  );
  const optimizer = tf.train.adam(o.learningRate, 0.9, 0.999, 1e-7);
  const order = mulberry32(o.seed + 1);
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    const perm = permutation(n, order);
    for (let start = 0; start < n; start += o.batchSize) {
      const idx = tf.tensor1d(Int32Array.from(perm.subarray(start, Math.min(n, start + o.batchSize))), 'int32');
      tf.tidy(() => {
        const xb = tf.gather(o.x, idx);
        const yb = tf.gather(o.y, idx);
        const mb = tf.gather(maskAll, idx, 1);
        optimizer.minimize(
          () => {
            const z = logits(xb);
            const rowLoss = tf.sub(tf.softplus(z), tf.mul(z, yb));
            const perMemberMean = tf.div(tf.sum(tf.mul(rowLoss, mb), 1), tf.maximum(tf.sum(mb, 1), 1));
            return tf.sum(perMemberMean);
          },
          false,
          vars,
        );
      });
      idx.dispose();
    }
    // Yield so the event loop (and a Ctrl-C) gets a turn between epochs.
    await nextTurn();
  }
  maskAll.dispose();
  optimizer.dispose();
  return {
    /** [K, N] member probabilities on `x`, in batches. */
    predict(x, batchSize = 1024) {
      const parts = [];
      for (let s = 0; s < x.shape[0]; s += batchSize) {
        const end = Math.min(x.shape[0], s + batchSize);
        parts.push(tf.tidy(() => tf.sigmoid(logits(tf.slice(x, [s, 0], [end - s, -1])))));
      }
      const all = tf.concat(parts, 1);
      tf.dispose(parts);
      return all;
    },
    dispose: () => tf.dispose([...vars]),
  };
}
