import * as tf from '@tensorflow/tfjs-core';
import type { OutputKind } from '../outputs/output-kind.js';
import { mulberry32, permutation } from '../util/random.js';
import type { PreparedData } from './prepare-data.js';
import { batchTensors, type BatchSource, type TrainBatch } from './train-batch.js';

/** Options for {@link memorySource}. */
export interface MemorySourceOptions {
  /** Checked data (see prepareLabeled); stays the caller's. */
  train: PreparedData;
  /**
   * The teacher's outputs for every row of `train` and then of `extra`, [N + E, units]; stays the
   * caller's.
   */
  teacher?: { values: tf.Tensor2D; kind: OutputKind };
  /**
   * Rows without labels, [E, ...features] (stays the caller's): shuffled in with the training
   * rows, each batch carrying a label mask (the fused targets' third column, or `labelMask`).
   * They count with sample weight 1 when `train` has sample weights. Needs `teacher`.
   */
  extra?: { x: tf.Tensor; rows: number };
  batchSize: number;
  /** Reorder the rows every epoch (default true), from `seed` (default 0). */
  shuffle?: boolean;
  seed?: number;
  /**
   * Binary runs at temperature 1 everywhere: hold the labels and the teacher's probabilities side
   * by side once, so each batch gathers its targets in one kernel (see {@link TrainBatch.targets}).
   */
  fuseTargets?: boolean;
}

/** In-memory data as batches: a (seeded) permutation per epoch, cut into `batchSize` rows. */
export function memorySource(options: MemorySourceOptions): BatchSource {
  const { train, teacher, batchSize } = options;
  const labelledRows = train.rows;
  const all = options.extra ? withExtraRows(train, options.extra) : undefined;
  const rows = labelledRows + (options.extra?.rows ?? 0);
  const x = all?.x ?? train.x;
  const y = all?.y ?? train.y;
  const sampleWeight = all ? all.sampleWeight : train.sampleWeight;
  const mask = all?.mask;
  // The shuffle state is the number of draws taken from the seeded generator: replaying that many
  // from the seed puts it back exactly, whatever generator sits behind it.
  let random = mulberry32(options.seed ?? 0);
  let draws = 0;
  let drawsAtEpochStart = 0;
  const draw = () => {
    draws++;
    return random();
  };
  const targets = options.fuseTargets ? fusedTargets(y, teacher, mask) : undefined;
  const rowsAt = (idx: tf.Tensor1D): TrainBatch =>
    tf.tidy(() => ({
      x: tf.gather(x, idx),
      ...(targets
        ? { targets: tf.gather(targets, idx) }
        : {
            y: tf.gather(y, idx),
            ...(teacher ? { teacher: tf.gather(teacher.values, idx) } : {}),
            ...(mask ? { labelMask: tf.gather(mask, idx) } : {}),
          }),
      ...(sampleWeight ? { sampleWeight: tf.gather(sampleWeight, idx) } : {}),
      rows: idx.shape[0],
    }));
  const take = (indices: Int32Array): TrainBatch => {
    const idx = tf.tensor1d(indices, 'int32');
    try {
      const batch = rowsAt(idx);
      if (!mask) return batch;
      // Training rows come first: an index below their count is a labelled row.
      let labelled = 0;
      for (const i of indices) if (i < labelledRows) labelled++;
      return { ...batch, labelledRows: labelled };
    } finally {
      idx.dispose();
    }
  };
  // With unlabelled rows, the probe takes one of each, so the masked loss is what it checks.
  const probeBatch = take(Int32Array.of(0, mask ? labelledRows : Math.min(1, rows - 1)));
  return {
    rows,
    labelledRows,
    batchesPerEpoch: Math.ceil(rows / batchSize),
    batchSize,
    ...(teacher ? { teacherKind: teacher.kind } : {}),
    probeBatch,
    async *epoch(skipBatches = 0) {
      drawsAtEpochStart = draws;
      const order =
        options.shuffle === false ? Int32Array.from({ length: rows }, (_, i) => i) : permutation(rows, draw);
      for (let start = skipBatches * batchSize; start < rows; start += batchSize) {
        const batch = take(order.subarray(start, Math.min(start + batchSize, rows)));
        try {
          yield batch;
        } finally {
          tf.dispose(batchTensors(batch));
        }
      }
    },
    shuffleState: () => ({ epochStart: drawsAtEpochStart, now: draws }),
    restoreShuffle(state) {
      random = mulberry32(options.seed ?? 0);
      for (let i = 0; i < state; i++) random();
      draws = state;
      drawsAtEpochStart = state;
    },
    dispose() {
      tf.dispose(batchTensors(probeBatch));
      if (targets && targets !== y) targets.dispose();
      if (all) tf.dispose([all.x, all.y, all.mask, ...(all.sampleWeight ? [all.sampleWeight] : [])]);
    },
  };
}

/**
 * [y | σ(t)] (or y itself without a teacher): the fused loss's targets for every row; with a
 * label mask, [m∘y | σ(t) | m] (y is 0 on unlabelled rows, so m∘y is y).
 */
function fusedTargets(y: tf.Tensor2D, teacher: MemorySourceOptions['teacher'], mask?: tf.Tensor2D): tf.Tensor2D {
  if (!teacher) return y;
  return tf.tidy(() => {
    const t = teacher.kind === 'logits' ? tf.sigmoid(teacher.values) : teacher.values;
    return tf.concat(mask ? [y, t, mask] : [y, t], 1);
  }) as tf.Tensor2D;
}

/**
 * The training rows followed by the extra rows, held once: features (float32 when the two
 * differ), labels with placeholder 0 rows, the label mask, and weights with 1 for extra rows.
 */
function withExtraRows(
  train: PreparedData,
  extra: { x: tf.Tensor; rows: number },
): { x: tf.Tensor; y: tf.Tensor2D; mask: tf.Tensor2D; sampleWeight?: tf.Tensor1D } {
  return tf.tidy(() => {
    const units = train.y.shape[1];
    const sameType = train.x.dtype === extra.x.dtype;
    const x = tf.concat(sameType ? [train.x, extra.x] : [tf.cast(train.x, 'float32'), tf.cast(extra.x, 'float32')]);
    const y = tf.concat([train.y, tf.zeros([extra.rows, units])]) as tf.Tensor2D;
    const mask = tf.concat([tf.ones([train.rows, 1]), tf.zeros([extra.rows, 1])]) as tf.Tensor2D;
    const sampleWeight = train.sampleWeight
      ? (tf.concat([train.sampleWeight, tf.ones([extra.rows])]) as tf.Tensor1D)
      : undefined;
    return { x, y, mask, ...(sampleWeight ? { sampleWeight } : {}) };
  });
}
