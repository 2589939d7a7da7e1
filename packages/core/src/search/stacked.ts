import type * as tf from '@tensorflow/tfjs-core';
import type { OutputKind } from '../outputs/output-kind.js';

/**
 * K students of one architecture trained side by side as one model: their weights stacked so
 * that each layer runs all K in one set of kernels. Elementwise optimizers (Adam and every tfjs
 * optimizer) update each student's slice exactly as they would update that student alone, and
 * each student's loss depends on its own slice only, so the gradient of the summed loss for a
 * slice is that student's own gradient.
 */
export interface StackedStudents {
  readonly count: number;
  readonly output: OutputKind;
  /** The stacked weights, trained in place of the students' own. */
  readonly variables: tf.Variable[];
  /** Outputs of all K students for one batch x: [K, B, 1]. `training` turns Dropout on. */
  apply(x: tf.Tensor, training: boolean): tf.Tensor3D;
  /**
   * Student k's part of tensors shaped like `variables` (the variables themselves, their
   * gradients, an optimizer's slots), as new tensors in the order of its model's `getWeights()`.
   */
  split(values: readonly tf.Tensor[], k: number): tf.Tensor[];
  /** The inverse of {@link split}: the weights of `count` students (each in model order) shaped like `variables`. */
  combine(perStudent: ReadonlyArray<readonly tf.Tensor[]>): tf.Tensor[];
  /** Writes every student's stacked weights into its own model's layers: each stays an ordinary model. */
  writeBack(): void;
  /** Frees the stacked variables; the models stay the caller's. */
  dispose(): void;
}

let created = 0;

/**
 * A name no other variable has: tfjs refuses a second variable of one name, and stacks of
 * several seeds live side by side during successive halving.
 */
export function stackedVariableName(what: string): string {
  return `kd_stacked_${created++}_${what}`;
}

/** The duck-typed view of a tfjs-layers layer that stacking needs. */
export interface LayerLike {
  getClassName(): string;
  getConfig(): Record<string, unknown>;
  getWeights(): tf.Tensor[];
  setWeights(weights: tf.Tensor[]): void;
  trainable?: boolean;
}

/** Why a model's weights cannot all be trained side by side (frozen layers), or undefined. */
export function frozenWeights(model: unknown): string | undefined {
  const m = model as { trainable?: boolean; weights?: unknown[]; trainableWeights?: unknown[] };
  if (Array.isArray(m.weights) && Array.isArray(m.trainableWeights) && m.weights.length !== m.trainableWeights.length)
    return 'every weight must be trainable (the student has frozen or non-trainable weights)';
  return undefined;
}
