import * as tf from '@tensorflow/tfjs-core';
import { distill, precomputedTeacher, type KdRuntime } from '@kd/core';
import { mlpStudent } from '../reference/students.js';
import { syntheticData } from '../reference/synthetic-data.js';
import { createOptimizer, dataTensors } from '../reference/training-run.js';

/** Live tensor counts around and during a training run. */
export interface TensorCounts {
  /** Before the data, the student and the optimizer were created. */
  before: number;
  /** At the end of every epoch. */
  perEpoch: number[];
  /** After everything the run created was disposed. */
  after: number;
}

async function countedRun(runtime: KdRuntime, epochs: number): Promise<TensorCounts> {
  const before = tf.memory().numTensors;
  const data = syntheticData({ rows: 40, inputShape: [12], units: 1, seed: 5 });
  const { x, y } = dataTensors(data);
  const validation = dataTensors(syntheticData({ rows: 12, inputShape: [12], units: 1, seed: 6 }));
  const student = mlpStudent(7, 12, 1);
  const optimizer = createOptimizer({ kind: 'adam', learningRate: 0.01 });
  const perEpoch: number[] = [];
  try {
    await distill({
      runtime,
      teacher: precomputedTeacher(data.teacherLogits, { output: 'logits', shape: [data.rows, 1] }),
      student,
      data: { x, y },
      validation,
      optimizer,
      epochs,
      batchSize: 8,
      seed: 3,
      callbacks: { onEpochEnd: () => void perEpoch.push(tf.memory().numTensors) },
    });
  } finally {
    optimizer.dispose();
    student.dispose();
    tf.dispose([x, y, validation.x, validation.y]);
  }
  return { before, perEpoch, after: tf.memory().numTensors };
}

/**
 * Trains an MLP for several epochs of several batches (with validation) and counts live
 * tensors at every epoch end. A first, shorter run warms up what tfjs creates once per
 * process (kernel constants, layer name scopes), so only the second run's counts are returned.
 */
export async function tensorCountsDuringTraining(runtime: KdRuntime, epochs = 4): Promise<TensorCounts> {
  await countedRun(runtime, 1);
  return countedRun(runtime, epochs);
}
