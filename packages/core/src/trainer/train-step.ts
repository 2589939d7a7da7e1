import * as tf from '@tensorflow/tfjs-core';
import type { LossParts } from '../losses/types.js';
import type { OutputKind } from '../outputs/output-kind.js';
import type { Student } from '../students/student.js';
import { toSpace } from '../outputs/to-space.js';
import { batchLoss, type LossTask } from './batch-loss.js';
import type { TrainBatch } from './train-batch.js';

/** What every step of a run shares. */
export interface StepSetup {
  student: Student;
  task: LossTask;
  /** The kind of the teacher values batches carry (absent without a teacher). */
  teacherKind?: OutputKind;
  /** The kind the loss takes them in: logits unless T = 1 binary can use probabilities exactly. */
  teacherSpace?: OutputKind;
}

/** The loss of one batch with the student in training mode. Call inside a tidy or a gradient scope. */
export function stepLoss(setup: StepSetup, batch: TrainBatch, alpha: number, temperature: number): LossParts {
  const { student, task, teacherKind, teacherSpace } = setup;
  const out = student.apply(batch.x, { training: true });
  const teacher =
    batch.teacher && teacherKind && teacherSpace
      ? teacherKind === teacherSpace
        ? batch.teacher
        : toSpace(batch.teacher, teacherKind, teacherSpace)
      : undefined;
  return batchLoss({
    task,
    studentOutput: out,
    studentKind: student.output,
    yTrue: batch.y,
    ...(teacher ? { teacher, teacherKind: teacherSpace } : {}),
    alpha,
    temperature,
    ...(batch.sampleWeight ? { sampleWeight: batch.sampleWeight } : {}),
  });
}

/**
 * One optimisation step on one batch, for in-memory and streamed data alike. Runs inside
 * `tf.tidy` and reads nothing back: the three scalars stay on the device (the caller frees them).
 */
export function trainStep(
  setup: StepSetup,
  optimizer: tf.Optimizer,
  vars: tf.Variable[],
  batch: TrainBatch,
  alpha: number,
  temperature: number,
): { cost: tf.Scalar; hard: tf.Scalar; soft: tf.Scalar } {
  return tf.tidy(() => {
    let hard: tf.Scalar | undefined;
    let soft: tf.Scalar | undefined;
    const cost = optimizer.minimize(
      () => {
        const parts = stepLoss(setup, batch, alpha, temperature);
        hard = tf.keep(parts.hard);
        soft = tf.keep(parts.soft);
        return parts.total;
      },
      true,
      vars,
    ) as tf.Scalar;
    return { cost, hard: hard!, soft: soft! };
  });
}
