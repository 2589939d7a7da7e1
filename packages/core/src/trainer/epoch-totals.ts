import * as tf from '@tensorflow/tfjs-core';

/** Fill for finite steps when looking for the first bad one; any real batch index is smaller. */
const NO_BAD_BATCH = 2 ** 24;

/** Slots of the totals vector. */
const LOSS = 0;
const ROWS = 3;
const PINNED = 4;
const FIRST_BAD = 5;
/** Rows with a label, the hard part's rows; after FIRST_BAD so that older 6-slot totals still read. */
const LABELLED = 6;
const SIZE = 7;

/** What an epoch's totals say once read back. */
export interface EpochTotalsRead {
  /**
   * Means of the total, hard and soft loss over the steps whose loss was finite: the total and
   * soft part weighted by each step's rows, the hard part by each step's labelled rows (so it is
   * the mean over the labelled rows; 0 when none was).
   */
  means: [number, number, number];
  rows: number;
  /** Labelled rows among `rows`. */
  labelledRows: number;
  /** Rows whose student probability for the true class sat below the probability clamp (no gradient). */
  pinnedRows: number;
  /** Index within the epoch of the first step whose loss was not finite, or -1. */
  firstBadBatch: number;
  /** Every value, to store in a checkpoint and continue from exactly. */
  raw: Float32Array;
}

/** Steps whose scalars wait on the device before they are folded into the totals in one go. */
const FOLD_EVERY = 32;

interface PendingStep {
  cost: tf.Scalar;
  parts: tf.Tensor2D;
  pinned?: tf.Scalar;
  rows: number;
  labelled: number;
  batch: number;
}

/**
 * An epoch's running totals, kept on the device so that no step reads anything back: the
 * row-weighted loss sums, the rows counted, rows pinned at the probability clamp, and the
 * index of the first step with a non-finite loss. One read at the epoch end (or before a
 * checkpoint) answers all of it. Steps are folded in groups of up to 32 rather than one by
 * one: the same sums from a couple of dozen kernels per group instead of per step.
 */
export class EpochTotals {
  private totals: tf.Tensor1D;
  private pending: PendingStep[] = [];

  constructor(raw?: Float32Array) {
    // Totals saved before the labelled-row slot existed come from runs where every row had a label.
    const full = raw && raw.length === LABELLED ? Float32Array.of(...raw, raw[ROWS]!) : raw;
    this.totals = full
      ? tf.tensor1d(full, 'float32')
      : tf.tidy(() => tf.concat([tf.zeros([FIRST_BAD]), tf.tensor1d([-1, 0])]));
  }

  /** Adds one step of `rows` rows, `labelled` of them with a label; takes ownership of the step's tensors. */
  add(
    step: { cost: tf.Scalar; parts: tf.Tensor2D; pinned?: tf.Scalar },
    rows: number,
    batch: number,
    labelled = rows,
  ): void {
    this.pending.push({ ...step, rows, labelled, batch });
    if (this.pending.length >= FOLD_EVERY) this.fold();
  }

  private fold(): void {
    const steps = this.pending;
    if (steps.length === 0) return;
    this.pending = [];
    const next = tf.tidy(() => {
      // [n, 3]: cost, hard, soft per step.
      const table = tf.concat(
        [tf.reshape(tf.stack(steps.map((s) => s.cost)), [-1, 1]), tf.concat(steps.map((s) => s.parts))],
        1,
      );
      const finite = tf.all(tf.isFinite(table), 1);
      const rows = tf.tensor1d(
        steps.map((s) => s.rows),
        'float32',
      );
      const labelled = tf.tensor1d(
        steps.map((s) => s.labelled),
        'float32',
      );
      const countedRows = tf.where(finite, rows, tf.zerosLike(rows));
      const countedLabelled = tf.where(finite, labelled, tf.zerosLike(labelled));
      // [n, 3]: each step's weights for cost, hard, soft (the hard part counts labelled rows only).
      const weights = tf.stack([rows, labelled, rows], 1);
      // Where the loss is finite this is exactly Σ parts·rows: skipping nothing changes no bit.
      const weighted = tf.where(
        tf.tile(tf.reshape(finite, [-1, 1]), [1, 3]),
        tf.mul(table, weights),
        tf.zerosLike(table),
      );
      const batches = tf.tensor1d(
        steps.map((s) => s.batch),
        'float32',
      );
      // No Infinity as the "no bad step" fill: WebGL clamps it to a finite 1e20, which read back as
      // a bad batch. A finite fill gated by `anyBad` behaves the same on every backend.
      const anyBad = tf.reshape(tf.any(tf.logicalNot(finite)), [1]);
      const firstBadHere = tf.min(tf.where(finite, tf.fill([steps.length], NO_BAD_BATCH), batches));
      const old = this.totals;
      const firstBad = tf.slice(old, FIRST_BAD, 1);
      const pinned = steps.some((s) => s.pinned)
        ? tf.sum(tf.stack(steps.map((s) => s.pinned ?? tf.scalar(0))))
        : tf.scalar(0);
      return tf.concat([
        tf.add(tf.slice(old, LOSS, 3), tf.sum(weighted, 0)),
        tf.add(tf.slice(old, ROWS, 1), tf.reshape(tf.sum(countedRows), [1])),
        tf.add(tf.slice(old, PINNED, 1), tf.reshape(pinned, [1])),
        tf.where(tf.logicalAnd(tf.less(firstBad, 0), anyBad), tf.reshape(firstBadHere, [1]), firstBad),
        tf.add(tf.slice(old, LABELLED, 1), tf.reshape(tf.sum(countedLabelled), [1])),
      ]) as tf.Tensor1D;
    });
    tf.dispose([this.totals, ...steps.flatMap((s) => [s.cost, s.parts, ...(s.pinned ? [s.pinned] : [])])]);
    this.totals = next;
  }

  async read(): Promise<EpochTotalsRead> {
    this.fold();
    const raw = (await this.totals.data()) as Float32Array;
    const rows = raw[ROWS]!;
    const labelledRows = raw[LABELLED]!;
    return {
      // An epoch whose finite steps had no labelled row has hard part 0, like each such step.
      means: [
        raw[LOSS]! / rows,
        labelledRows > 0 || rows === 0 ? raw[LOSS + 1]! / labelledRows : 0,
        raw[LOSS + 2]! / rows,
      ],
      rows,
      labelledRows,
      pinnedRows: raw[PINNED]!,
      firstBadBatch: raw[FIRST_BAD]!,
      raw: Float32Array.from(raw.subarray(0, SIZE)),
    };
  }

  dispose(): void {
    tf.dispose([this.totals, ...this.pending.flatMap((s) => [s.cost, s.parts, ...(s.pinned ? [s.pinned] : [])])]);
    this.pending = [];
  }
}
