import * as tf from '@tensorflow/tfjs-core';
import type { Student } from '../students/student.js';

/**
 * A copy of the student's weights from the last point the loss was known to be finite (the
 * start of training, each epoch end, each checkpoint), to put back when a run diverges. Copies
 * stay on the device: taking one reads nothing.
 */
export class LastGoodWeights {
  private weights: tf.Tensor[];
  /** How many steps had been taken when the copy was made. */
  step: number;

  constructor(
    private readonly student: Student,
    step = 0,
  ) {
    this.weights = student.getWeights();
    this.step = step;
  }

  /** Takes a fresh copy, made after `step` steps. */
  capture(step: number): void {
    const next = this.student.getWeights();
    tf.dispose(this.weights);
    this.weights = next;
    this.step = step;
  }

  /** Puts the copy back into the student. */
  restore(): void {
    this.student.setWeights(this.weights);
  }

  dispose(): void {
    tf.dispose(this.weights);
    this.weights = [];
  }
}
