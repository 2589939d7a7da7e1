import * as tf from '@tensorflow/tfjs-core';
import { KdError } from '../errors/kd-error.js';
import type { OutputKind } from '../outputs/output-kind.js';

/** One optimisation step's data, as the step function takes it. */
export interface TrainBatch {
  x: tf.Tensor;
  /**
   * Targets as the loss takes them: binary [B, 1] 0/1, multi-class [B, K] one-hot. Absent when
   * `targets` carries them.
   */
  y?: tf.Tensor2D;
  /** The teacher's outputs for these rows, of the source's `teacherKind`; absent without a teacher (or with `targets`). */
  teacher?: tf.Tensor2D;
  /**
   * Binary runs at temperature 1 only: the labels and, with a teacher, its probabilities side by
   * side, [B, 1] or [B, 2], the one tensor the fused loss takes (one gather per batch, not two);
   * with unlabelled rows `[m∘y | t | m]`, [B, 3] (see fusedBinaryLoss).
   */
  targets?: tf.Tensor2D;
  sampleWeight?: tf.Tensor1D;
  /**
   * [B, 1]: 1 on labelled rows, 0 on unlabelled ones (whose `y` is a placeholder), when the batch
   * can hold rows without labels. With `targets`, the mask is their third column instead.
   */
  labelMask?: tf.Tensor2D;
  rows: number;
  /** Rows with a label (the hard loss's rows); `rows` when absent. */
  labelledRows?: number;
}

/**
 * Where the training loop takes its batches from: in-memory tensors or a stream. Everything a
 * source holds was checked when it was built, before the first step.
 */
export interface BatchSource {
  /** Rows in one pass, unlabelled ones included. */
  readonly rows: number;
  /** Rows with a label in one pass (equal to `rows` without unlabelled rows). */
  readonly labelledRows?: number;
  /** Batches (steps) in one pass. */
  readonly batchesPerEpoch: number;
  /** The largest batch, in rows. */
  readonly batchSize: number;
  /** What the teacher values in batches are; absent without a teacher. */
  readonly teacherKind?: OutputKind;
  /** Up to two rows of real data, for the kernel probe before training. Freed by `dispose`. */
  readonly probeBatch: TrainBatch;
  /**
   * One pass over the data, leaving out its first `skipBatches` batches (to resume mid-epoch). A
   * batch's tensors are freed when the next one is asked for, or the pass ends.
   */
  epoch(skipBatches?: number): AsyncIterable<TrainBatch>;
  /** Where the shuffling stands: before the last pass began, and now (sources that shuffle). */
  shuffleState?(): { epochStart: number; now: number };
  /** Makes the next pass shuffle from `state` (a value {@link BatchSource.shuffleState} gave). */
  restoreShuffle?(state: number): void;
  /** Frees what the source holds. */
  dispose(): void;
}

/** Every tensor of a batch. */
export function batchTensors(batch: TrainBatch): tf.Tensor[] {
  return [
    batch.x,
    ...(batch.y ? [batch.y] : []),
    ...(batch.teacher ? [batch.teacher] : []),
    ...(batch.targets ? [batch.targets] : []),
    ...(batch.sampleWeight ? [batch.sampleWeight] : []),
    ...(batch.labelMask ? [batch.labelMask] : []),
  ];
}

/** Rejects teacher outputs whose width differs from the student's. */
export function checkTeacherUnits(teacherUnits: number, studentUnits: number): void {
  if (teacherUnits !== studentUnits) {
    throw new KdError(
      'KD_SHAPE_MISMATCH',
      `The teacher outputs ${teacherUnits} units per row but the student outputs ${studentUnits}. Teacher and student must predict the same classes.`,
      { teacher: teacherUnits, student: studentUnits },
    );
  }
}
