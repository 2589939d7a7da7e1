import * as tf from '@tensorflow/tfjs-core';
import { computeMetrics, type MetricName } from '../metrics/index.js';
import type { Student } from '../students/student.js';
import type { KdRuntime } from '../runtime/types.js';
import { toSpace } from '../outputs/to-space.js';
import { predictInBatches, teacher as asTeacher, type Teacher, type TeacherSource } from '../teachers/teacher.js';
import { computeTeacherOutputs } from '../teachers/teacher-outputs.js';

/**
 * Student probabilities for every row of `x` ([N, units]), computed in batches with
 * `training: false` and read back once.
 */
export async function predictProbabilities(
  student: Student,
  x: tf.Tensor,
  batchSize: number,
  nextTick?: () => Promise<void>,
): Promise<{ probs: Float32Array; units: number }> {
  const out = await predictInBatches(
    x,
    batchSize,
    (b) =>
      tf.tidy(() => {
        const y = student.apply(b, { training: false });
        const units = y.rank === 1 ? 1 : y.shape[y.rank - 1]!;
        const y2 = tf.reshape(y, [b.shape[0]!, units]);
        if (student.output === 'probabilities') return y2;
        return units === 1 ? tf.sigmoid(y2) : tf.softmax(y2);
      }),
    nextTick,
  );
  const units = out.shape[1];
  const probs = (await out.data()) as Float32Array;
  out.dispose();
  return { probs, units };
}

/**
 * Evaluates a student on labelled data: every requested metric, plus `loss` (the log-loss against
 * the labels, i.e. the hard loss at α = 1).
 *
 * @example
 * ```ts
 * const m = await evaluateStudent(student, xTest, labels, ['accuracy', 'auc']);
 * console.log(m.accuracy, m.auc, m.loss);
 * ```
 */
export async function evaluateStudent(
  student: Student,
  x: tf.Tensor,
  labels: ArrayLike<number>,
  metrics: MetricName[],
  options: { batchSize?: number; nextTick?: () => Promise<void> } = {},
): Promise<Record<string, number>> {
  const { probs, units } = await predictProbabilities(student, x, options.batchSize ?? 256, options.nextTick);
  const numClasses = units === 1 ? 2 : units;
  const names = Array.from(new Set<MetricName>([...metrics, 'logLoss']));
  const values = computeMetrics(names, { yTrue: labels, probs, numClasses });
  return { ...values, loss: values.logLoss! };
}

/**
 * Evaluates a teacher (or ensemble) on labelled data with the same metrics as
 * {@link evaluateStudent}, so teachers and students can be compared in one table. The outputs
 * go through the runtime's teacher cache.
 *
 * @example
 * ```ts
 * const m = await evaluateTeacher(runtime, ensemble(teachers), xTest, labels, ['accuracy', 'auc']);
 * ```
 */
export async function evaluateTeacher(
  runtime: KdRuntime,
  source: TeacherSource | Teacher,
  x: tf.Tensor,
  labels: ArrayLike<number>,
  metrics: MetricName[],
  options: { batchSize?: number } = {},
): Promise<Record<string, number>> {
  const out = await computeTeacherOutputs(runtime, asTeacher(source), x, { batchSize: options.batchSize ?? 256 });
  const probsTensor = tf.tidy(() => toSpace(out.values, out.kind, 'probabilities'));
  out.values.dispose();
  const units = probsTensor.shape[1];
  const probs = (await probsTensor.data()) as Float32Array;
  probsTensor.dispose();
  const names = Array.from(new Set<MetricName>([...metrics, 'logLoss']));
  const values = computeMetrics(names, { yTrue: labels, probs, numClasses: units === 1 ? 2 : units });
  return { ...values, loss: values.logLoss! };
}
