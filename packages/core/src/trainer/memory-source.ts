import * as tf from '@tensorflow/tfjs-core';
import type { OutputKind } from '../outputs/output-kind.js';
import { mulberry32, permutation } from '../util/random.js';
import type { PreparedData } from './prepare-data.js';
import { batchTensors, type BatchSource, type TrainBatch } from './train-batch.js';

/** Options for {@link memorySource}. */
export interface MemorySourceOptions {
  /** Checked data (see prepareLabeled); stays the caller's. */
  train: PreparedData;
  /** The teacher's outputs for every row of `train`, [N, units]; stays the caller's. */
  teacher?: { values: tf.Tensor2D; kind: OutputKind };
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
  const rows = train.rows;
  // The shuffle state is the number of draws taken from the seeded generator: replaying that many
  // from the seed puts it back exactly, whatever generator sits behind it.
  let random = mulberry32(options.seed ?? 0);
  let draws = 0;
  let drawsAtEpochStart = 0;
  const draw = () => {
    draws++;
    return random();
  };
  const targets = options.fuseTargets ? fusedTargets(train.y, teacher) : undefined;
  const rowsAt = (idx: tf.Tensor1D): TrainBatch =>
    tf.tidy(() => ({
      x: tf.gather(train.x, idx),
      ...(targets
        ? { targets: tf.gather(targets, idx) }
        : {
            y: tf.gather(train.y, idx),
            ...(teacher ? { teacher: tf.gather(teacher.values, idx) } : {}),
          }),
      ...(train.sampleWeight ? { sampleWeight: tf.gather(train.sampleWeight, idx) } : {}),
      rows: idx.shape[0],
    }));
  const take = (indices: Int32Array): TrainBatch => {
    const idx = tf.tensor1d(indices, 'int32');
    try {
      return rowsAt(idx);
    } finally {
      idx.dispose();
    }
  };
  const probeBatch = take(Int32Array.of(0, Math.min(1, rows - 1)));
  return {
    rows,
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
      if (targets && targets !== train.y) targets.dispose();
    },
  };
}

/** [y | σ(t)] (or y itself without a teacher): the fused loss's targets for every row. */
function fusedTargets(y: tf.Tensor2D, teacher: MemorySourceOptions['teacher']): tf.Tensor2D {
  if (!teacher) return y;
  return tf.tidy(() =>
    tf.concat([y, teacher.kind === 'logits' ? tf.sigmoid(teacher.values) : teacher.values], 1),
  ) as tf.Tensor2D;
}
