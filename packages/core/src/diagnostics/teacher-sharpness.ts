import * as tf from '@tensorflow/tfjs-core';
import { KdError } from '../errors/kd-error.js';
import type { KdRuntime } from '../runtime/types.js';
import { toSpace } from '../outputs/to-space.js';
import { teacher as asTeacher, type Teacher, type TeacherSource } from '../teachers/teacher.js';
import { computeTeacherOutputs } from '../teachers/teacher-outputs.js';
import { assertTemperature, oneHotClasses, requireWholeNumber } from '../values/index.js';
import { softTargetSharpness, type SoftTargetSharpness } from './soft-target-sharpness.js';

/** Options for {@link teacherSharpness}. */
export interface TeacherSharpnessOptions {
  runtime: KdRuntime;
  teacher: TeacherSource | Teacher;
  /** The training rows the student will learn from, with their labels (0/1, class indices or one-hot). */
  data: { x: tf.Tensor; y: tf.Tensor };
  /** Judge the targets as the soft loss sees them at this temperature (default 1). */
  temperature?: number;
  /** `nearlyLabels` threshold (default 0.02). */
  threshold?: number;
  teacherBatchSize?: number;
}

/**
 * {@link softTargetSharpness} of a teacher's outputs on the training rows, softened at
 * `temperature`. The outputs go through the runtime's teacher cache, so distilling afterwards does
 * not compute them again.
 *
 * @example
 * ```ts
 * const s = await teacherSharpness({ runtime, teacher: ensemble(teachers), data: train });
 * if (s.nearlyLabels) console.warn('soft targets ≈ labels: try out-of-fold targets or a higher T');
 * ```
 */
export async function teacherSharpness(options: TeacherSharpnessOptions): Promise<SoftTargetSharpness> {
  const temperature = options.temperature ?? 1;
  assertTemperature(temperature, { what: 'teacherSharpness temperature' });
  const batchSize = requireWholeNumber('teacherBatchSize', options.teacherBatchSize ?? 256, {
    min: 1,
    where: 'teacherSharpness',
  });
  const { x, y } = options.data;
  if (y.shape[0] !== x.shape[0])
    throw new KdError(
      'KD_SHAPE_MISMATCH',
      `teacherSharpness: x has ${x.shape[0]} rows but y has ${y.shape[0]}; give one label per row.`,
    );
  await options.runtime.init();
  const out = await computeTeacherOutputs(options.runtime, asTeacher(options.teacher), x, { batchSize });
  const probs = tf.tidy(() => {
    if (temperature === 1) return toSpace(out.values, out.kind, 'probabilities');
    const logits = toSpace(out.values, out.kind, 'logits');
    const scaled = tf.div(logits, temperature) as tf.Tensor2D;
    return toSpace(scaled, 'logits', 'probabilities');
  });
  out.values.dispose();
  const units = probs.shape[1];
  const values = await probs.data();
  probs.dispose();
  const raw = await y.data();
  const oneHot = y.rank === 2 && y.shape[1]! > 1;
  const labels = oneHot ? oneHotClasses(raw, y.shape[1]!) : raw;
  // A softmax over two units is the binary case written with two columns: judge the positive column.
  const binaryTwoColumn = units === 2;
  const targets = binaryTwoColumn
    ? Float32Array.from({ length: values.length / 2 }, (_, i) => values[2 * i + 1]!)
    : values;
  return softTargetSharpness(targets, labels, {
    units: binaryTwoColumn ? 1 : units,
    ...(options.threshold !== undefined ? { threshold: options.threshold } : {}),
  });
}
