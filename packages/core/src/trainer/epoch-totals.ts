import * as tf from '@tensorflow/tfjs-core';

/** Slots of the totals vector. */
const LOSS = 0;
const ROWS = 3;
const PINNED = 4;
const FIRST_BAD = 5;
const SIZE = 6;

/** What an epoch's totals say once read back. */
export interface EpochTotalsRead {
  /** Row-weighted means of the total, hard and soft loss over the steps whose loss was finite. */
  means: [number, number, number];
  rows: number;
  /** Rows whose student probability for the true class sat below the probability clamp (no gradient). */
  pinnedRows: number;
  /** Index within the epoch of the first step whose loss was not finite, or -1. */
  firstBadBatch: number;
  /** Every value, to store in a checkpoint and continue from exactly. */
  raw: Float32Array;
}

/**
 * An epoch's running totals, kept on the device so that no step reads anything back: the
 * row-weighted loss sums, the rows counted, rows pinned at the probability clamp, and the
 * index of the first step with a non-finite loss. One read at the epoch end (or before a
 * checkpoint) answers all of it.
 */
export class EpochTotals {
  private totals: tf.Tensor1D;

  constructor(raw?: Float32Array) {
    this.totals = raw
      ? tf.tensor1d(raw, 'float32')
      : tf.tidy(() => tf.concat([tf.zeros([FIRST_BAD]), tf.tensor1d([-1])]));
  }

  /** Adds one step; takes ownership of the step's scalars. */
  add(
    step: { cost: tf.Scalar; hard: tf.Scalar; soft: tf.Scalar; pinned?: tf.Scalar },
    rows: number,
    batch: number,
  ): void {
    const next = tf.tidy(() => {
      const parts = tf.stack([step.cost, step.hard, step.soft]);
      const finite = tf.all(tf.isFinite(parts));
      // Where the loss is finite this is exactly sums + parts·rows: skipping nothing changes no bit.
      const weighted = tf.where(finite, tf.mul(parts, rows), tf.zerosLike(parts));
      const old = this.totals;
      const firstBad = tf.slice(old, FIRST_BAD, 1);
      const firstNow = tf.logicalAnd(tf.less(firstBad, 0), tf.logicalNot(finite));
      return tf.concat([
        tf.add(tf.slice(old, LOSS, 3), weighted),
        tf.add(tf.slice(old, ROWS, 1), tf.reshape(tf.where(finite, tf.scalar(rows), tf.scalar(0)), [1])),
        tf.add(tf.slice(old, PINNED, 1), step.pinned ? tf.reshape(step.pinned, [1]) : tf.zeros([1])),
        tf.where(firstNow, tf.fill([1], batch), firstBad),
      ]) as tf.Tensor1D;
    });
    tf.dispose([this.totals, step.cost, step.hard, step.soft, ...(step.pinned ? [step.pinned] : [])]);
    this.totals = next;
  }

  async read(): Promise<EpochTotalsRead> {
    const raw = (await this.totals.data()) as Float32Array;
    const rows = raw[ROWS]!;
    return {
      means: [raw[LOSS]! / rows, raw[LOSS + 1]! / rows, raw[LOSS + 2]! / rows],
      rows,
      pinnedRows: raw[PINNED]!,
      firstBadBatch: raw[FIRST_BAD]!,
      raw: Float32Array.from(raw.subarray(0, SIZE)),
    };
  }

  dispose(): void {
    this.totals.dispose();
  }
}
