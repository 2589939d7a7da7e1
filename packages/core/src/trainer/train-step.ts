import * as tf from '@tensorflow/tfjs-core';
import { PROBABILITY_EPSILON } from '../losses/elementwise-losses.js';
import type { OutputKind } from '../outputs/output-kind.js';
import type { Student } from '../students/student.js';
import { toSpace } from '../outputs/to-space.js';
import { batchLoss, type LossTask } from './batch-loss.js';
import { fusedBinaryLoss } from './fused-binary-loss.js';
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

/**
 * A step's loss: the total to minimise, `[[hard, soft]]` for the logs (one tensor, so the fused
 * loss needs no kernels to split it) and, for a probabilities student, how many rows sat at the
 * clamp against their label.
 */
export interface StepLoss {
  total: tf.Scalar;
  parts: tf.Tensor2D;
  pinned?: tf.Scalar;
}

/** The device tensors one step leaves behind (the caller frees them). */
export interface StepScalars {
  cost: tf.Scalar;
  /** [1, 2]: the step's hard and soft loss. */
  parts: tf.Tensor2D;
  pinned?: tf.Scalar;
}

/** The loss of one batch with the student in training mode. Call inside a tidy or a gradient scope. */
export function stepLoss(setup: StepSetup, batch: TrainBatch, alpha: number, temperature: number): StepLoss {
  const { student, task, teacherKind, teacherSpace } = setup;
  const out = student.apply(batch.x, { training: true });
  if (fusesLoss(task, temperature)) return fusedStepLoss(setup, batch, out, alpha);
  if (!batch.y) throw new Error('Internal: a batch without labels reached the unfused loss.');
  const teacher =
    batch.teacher && teacherKind && teacherSpace
      ? teacherKind === teacherSpace
        ? batch.teacher
        : toSpace(batch.teacher, teacherKind, teacherSpace)
      : undefined;
  const parts = batchLoss({
    task,
    studentOutput: out,
    studentKind: student.output,
    yTrue: batch.y,
    ...(teacher ? { teacher, teacherKind: teacherSpace } : {}),
    alpha,
    temperature,
    ...(batch.sampleWeight ? { sampleWeight: batch.sampleWeight } : {}),
    ...(batch.labelMask ? { labelMask: batch.labelMask } : {}),
  });
  const loss = { total: parts.total, parts: tf.reshape(tf.stack([parts.hard, parts.soft]), [1, 2]) as tf.Tensor2D };
  return student.output === 'probabilities' ? { ...loss, pinned: pinnedRows(out, batch.y, batch.labelMask) } : loss;
}

/** Whether a step takes the one-cross-entropy loss: binary tasks at temperature 1. */
export function fusesLoss(task: LossTask, temperature: number): boolean {
  return task === 'binary' && temperature === 1;
}

/** {@link fusedBinaryLoss} on a batch, with its targets side by side (as the source gave them, or joined here). */
function fusedStepLoss(setup: StepSetup, batch: TrainBatch, out: tf.Tensor, alpha: number): StepLoss {
  const rows = out.shape[0]!;
  const student = (out.rank === 2 ? out : tf.reshape(out, [rows, 1])) as tf.Tensor2D;
  let targets = batch.targets;
  if (!targets) {
    const y = batch.y!;
    const teacher = batch.teacher
      ? setup.teacherKind === 'logits'
        ? tf.sigmoid(batch.teacher)
        : batch.teacher
      : undefined;
    const mask = batch.labelMask;
    targets = teacher
      ? mask
        ? (tf.concat([tf.mul(y, mask), teacher, mask], 1) as tf.Tensor2D)
        : (tf.concat([y, teacher], 1) as tf.Tensor2D)
      : y;
  }
  const parts = fusedBinaryLoss({
    student,
    studentKind: setup.student.output,
    targets,
    alpha,
    ...(batch.sampleWeight ? { sampleWeight: batch.sampleWeight } : {}),
  });
  if (setup.student.output !== 'probabilities') return parts;
  const y = batch.y ?? (targets.shape[1] === 1 ? targets : (tf.slice(targets, [0, 0], [-1, 1]) as tf.Tensor2D));
  const mask =
    batch.labelMask ?? (targets.shape[1] === 3 ? (tf.slice(targets, [0, 2], [-1, 1]) as tf.Tensor2D) : undefined);
  return { ...parts, pinned: pinnedRows(student, y, mask) };
}

/**
 * Rows whose probability for the true class is below the clamp the losses apply: the clamp
 * passes no gradient there, so a student pinned on the wrong side cannot move back. Only
 * labelled rows count (`mask`, [B, 1]): the others have no true class.
 */
function pinnedRows(out: tf.Tensor, y: tf.Tensor2D, mask?: tf.Tensor): tf.Scalar {
  const p = tf.reshape(out, y.shape);
  const trueClass =
    y.shape[1] === 1 ? tf.add(tf.mul(y, p), tf.mul(tf.sub(1, y), tf.sub(1, p))) : tf.sum(tf.mul(y, p), 1);
  const pinned = tf.cast(tf.less(trueClass, PROBABILITY_EPSILON), 'float32');
  return tf.sum(mask ? tf.mul(tf.reshape(pinned, [-1]), tf.reshape(mask, [-1])) : pinned);
}

/**
 * One optimisation step on one batch, for in-memory and streamed data alike. Runs inside
 * `tf.tidy` and reads nothing back: the scalars stay on the device (the caller frees them).
 */
export function trainStep(
  setup: StepSetup,
  optimizer: tf.Optimizer,
  vars: tf.Variable[],
  batch: TrainBatch,
  alpha: number,
  temperature: number,
): StepScalars {
  return tf.tidy(() => {
    let kept: Omit<StepScalars, 'cost'> | undefined;
    const cost = optimizer.minimize(
      () => {
        const parts = stepLoss(setup, batch, alpha, temperature);
        kept = keepParts(parts);
        return parts.total;
      },
      true,
      vars,
    ) as tf.Scalar;
    return { cost, ...kept! };
  });
}

/**
 * A step that applies its update only when the loss and every gradient are finite. Deciding
 * needs the answer on the CPU, so this waits for one boolean per step (asynchronously): the
 * price of `onNonFinite: 'skip-batch'`.
 */
export async function trainStepUnlessNonFinite(
  setup: StepSetup,
  optimizer: tf.Optimizer,
  vars: tf.Variable[],
  batch: TrainBatch,
  alpha: number,
  temperature: number,
): Promise<StepScalars & { applied: boolean }> {
  const { scalars, grads, finite } = tf.tidy(() => {
    let kept: Omit<StepScalars, 'cost'> | undefined;
    const { value, grads } = optimizer.computeGradients(() => {
      const parts = stepLoss(setup, batch, alpha, temperature);
      kept = keepParts(parts);
      return parts.total;
    }, vars);
    const all = [value, ...Object.values(grads)].map((g) => tf.all(tf.isFinite(g)));
    return { scalars: { cost: value as tf.Scalar, ...kept! }, grads, finite: tf.all(tf.stack(all)) };
  });
  try {
    const applied = (await finite.data())[0] === 1;
    // Applied in the variables' order, as minimize does, so the optimizer's slots line up the same way.
    if (applied) optimizer.applyGradients(vars.map((v) => ({ name: v.name, tensor: grads[v.name]! })));
    return { ...scalars, applied };
  } finally {
    tf.dispose([finite, ...Object.values(grads)]);
  }
}

function keepParts(parts: StepLoss): Omit<StepScalars, 'cost'> {
  return {
    parts: tf.keep(parts.parts),
    ...(parts.pinned ? { pinned: tf.keep(parts.pinned) } : {}),
  };
}
