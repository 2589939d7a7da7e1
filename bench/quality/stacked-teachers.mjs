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
 * With `validation`, each member ends with the weights of its epoch with the lowest log-loss on
 * those rows (early stopping per member, all `epochs` trained; `bestEpochs` says which, 1-based):
 * members trained past that point grow overconfident and their ensemble's log-loss worse.
 *
 * @param {{ x: tf.Tensor2D, y: tf.Tensor1D, hidden: [number, number], masks: Float32Array[],
 *   epochs: number, batchSize: number, learningRate: number, seed: number,
 *   validation?: { x: tf.Tensor2D, y: tf.Tensor1D } }} o
 */
export async function trainStackedMlps(o) {
  const [n, features] = o.x.shape;
  const k = o.masks.length;
  const [h1, h2] = o.hidden;
  const rand = mulberry32(o.seed * 7919 + 17);
  // A variable copies its initial value: dispose that tensor, or each call leaks six.
  const variable = (initial) => {
    const v = tf.variable(initial);
    initial.dispose();
    return v;
  };
  const w1 = variable(tf.tensor2d(glorot(rand, features * k * h1, features, h1), [features, k * h1]));
  const b1 = variable(tf.zeros([k * h1]));
  const w2 = variable(tf.tensor3d(glorot(rand, k * h1 * h2, h1, h2), [k, h1, h2]));
  const b2 = variable(tf.zeros([k, 1, h2]));
  const w3 = variable(tf.tensor3d(glorot(rand, k * h2, h2, 1), [k, h2, 1]));
  const b3 = variable(tf.zeros([k, 1, 1]));
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
  // Per-member early stopping: the best validation log-loss so far and the weights it was seen with.
  const best = o.validation && {
    loss: Array(k).fill(Infinity),
    epoch: Array(k).fill(0),
    weights: vars.map((v) => tf.keep(v.clone())),
  };
  const keepBest = async (epoch) => {
    const perMember = tf.tidy(() => {
      const z = logits(o.validation.x);
      return tf.mean(tf.sub(tf.softplus(z), tf.mul(z, o.validation.y)), 1);
    });
    const loss = await perMember.array();
    perMember.dispose();
    const better = loss.map((l, m) => l < best.loss[m]);
    if (!better.some(Boolean)) return;
    better.forEach((b, m) => {
      if (b) [best.loss[m], best.epoch[m]] = [loss[m], epoch + 1];
    });
    const member = tf.tensor1d(better.map(Number), 'float32');
    best.weights = best.weights.map((old, i) => {
      const next = tf.tidy(() => {
        // Member m owns w1's and b1's columns m·h1 … (m+1)·h1 − 1 and the first axis of the rest.
        const m = i < 2 ? tf.reshape(tf.tile(tf.reshape(member, [k, 1]), [1, h1]), [k * h1]) : member;
        const shape = i < 2 ? [...Array(vars[i].rank - 1).fill(1), k * h1] : [k, ...Array(vars[i].rank - 1).fill(1)];
        const mask = tf.reshape(m, shape);
        return tf.add(tf.mul(vars[i], mask), tf.mul(old, tf.sub(1, mask)));
      });
      old.dispose();
      return next;
    });
    member.dispose();
  };
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
    if (best) await keepBest(epoch);
    // Yield so the event loop (and a Ctrl-C) gets a turn between epochs.
    await nextTurn();
  }
  if (best) {
    vars.forEach((v, i) => v.assign(best.weights[i]));
    tf.dispose(best.weights);
  }
  maskAll.dispose();
  optimizer.dispose();
  return {
    /** Per member, the epoch (1-based) whose weights it kept; with no `validation`, the last. */
    bestEpochs: best ? best.epoch : Array(k).fill(o.epochs),
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
