import type * as tf from '@tensorflow/tfjs-core';

/**
 * How per-sample losses are combined:
 * - `'mean'` (default): weighted mean, `sum(w·l) / sum(w)` (plain mean without weights; 0 when all
 *   weights are 0);
 * - `'sum'`: `sum(w·l)`;
 * - `'none'`: the per-sample vector `w·l`, shape `[N]`.
 */
export type LossReduction = 'mean' | 'sum' | 'none';

// The losses' signatures speak of it; it lives in outputs/ because teachers and students do too.
export type { OutputKind } from '../outputs/output-kind.js';

/** A reduced loss is a scalar; with `reduction: 'none'` it is the per-sample vector `[N]`. */
export type LossValue<R extends LossReduction> = R extends 'none' ? tf.Tensor1D : tf.Scalar;

/**
 * What every distillation loss returns, so the parts can be logged separately.
 *
 * - `hard`: the loss against the ground-truth labels, at temperature 1, NOT multiplied by α.
 * - `soft`: the loss against the teacher, including the `T²` factor where a temperature applies,
 *   NOT multiplied by `1 − α`.
 * - `total`: `α·hard + (1 − α)·soft`, the value to minimise.
 *
 * The three are reduced the same way (see {@link LossReduction}): scalars for `'mean'` and
 * `'sum'`, `[N]` vectors (`LossParts<tf.Tensor1D>`) for `'none'`. The caller owns them and
 * disposes them.
 *
 * @example
 * ```ts
 * const { total, hard, soft } = binaryDistillationLoss({ yTrue, teacher, student, alpha: 0.3 });
 * console.log(total.dataSync()[0], hard.dataSync()[0], soft.dataSync()[0]);
 * tf.dispose([total, hard, soft]);
 * ```
 */
// A type alias rather than an interface, so that it is a tf.TensorContainer and tf.tidy keeps it.
export type LossParts<T extends tf.Tensor = tf.Scalar> = {
  total: T;
  hard: T;
  soft: T;
};

/** Options every distillation loss takes. */
export interface DistillationLossOptions<R extends LossReduction> {
  /**
   * Weight of the hard (ground-truth) part, in [0, 1]: `total = α·hard + (1 − α)·soft`.
   * `alpha: 1` ignores the teacher; `alpha: 0` ignores the labels.
   */
  alpha: number;
  /** Per-sample weights, shape `[N]` or `[N, 1]`, non-negative. */
  sampleWeight?: tf.Tensor;
  /** How per-sample losses are combined; default `'mean'`. */
  reduction?: R;
  /**
   * Also check the VALUES of the inputs (label range, probability range, NaN/Inf, negative
   * weights) before computing. This reads the tensors synchronously (`dataSync`), which blocks and
   * stalls GPU pipelines: meant for direct calls, not for training loops. Default `false`; shapes,
   * α and temperature are always checked.
   */
  checkValues?: boolean;
}
