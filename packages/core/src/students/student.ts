import * as tf from '@tensorflow/tfjs-core';
import type { OutputKind } from '../outputs/output-kind.js';

/**
 * The model being trained. Either a tfjs-layers model wrapped by {@link layersStudent}, or a
 * hand-written student made with {@link customStudent}.
 */
export interface Student {
  readonly name: string;
  /** Whether {@link Student.apply} returns logits (recommended) or probabilities. */
  readonly output: OutputKind;
  /** Variables the optimizer updates. */
  trainableVariables(): tf.Variable[];
  /** The forward pass. `training` switches dropout and batch-norm statistics. */
  apply(x: tf.Tensor, options: { training: boolean }): tf.Tensor;
  /** Copies of every weight (trainable or not), e.g. to restore the best epoch. The caller disposes them. */
  getWeights(): tf.Tensor[];
  /** Assigns weights in the order {@link Student.getWeights} returns them. */
  setWeights(weights: tf.Tensor[]): void;
  /** Number of scalar parameters (all weights). */
  countParams(): number;
  /** Bytes the weights take when saved (float32 = 4 bytes each). */
  weightBytes(): number;
  /**
   * tfjs kernel names a training step needs, checked with the runtime's `hasKernel` before
   * training starts. Optional: the trainer also runs one probe step.
   */
  requiredKernels?(): string[];
  /** Saves the student alone (never a teacher) through a tfjs IOHandler. */
  save(handler: tf.io.IOHandler): Promise<tf.io.SaveResult>;
  dispose(): void;
}

export function isStudent(s: unknown): s is Student {
  return (
    typeof s === 'object' &&
    s !== null &&
    typeof (s as Student).trainableVariables === 'function' &&
    typeof (s as Student).apply === 'function' &&
    typeof (s as Student).setWeights === 'function'
  );
}

export function bytesOf(tensors: Array<{ size: number; dtype: string }>): number {
  return tensors.reduce((sum, t) => sum + t.size * (t.dtype === 'float16' ? 2 : t.dtype === 'bool' ? 1 : 4), 0);
}
