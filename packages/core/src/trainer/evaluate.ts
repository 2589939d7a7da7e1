import * as tf from '@tensorflow/tfjs-core';
import { KdError } from '../errors/kd-error.js';
import { requireMetricNames, type MetricName } from '../metrics/registry.js';
import { computeMetricsUnchecked, secondColumn } from '../metrics/unchecked.js';
import type { Student } from '../students/student.js';
import type { KdRuntime } from '../runtime/types.js';
import { toSpace } from '../outputs/to-space.js';
import { predictInBatches, teacher as asTeacher, type Teacher, type TeacherSource } from '../teachers/teacher.js';
import { computeTeacherOutputs } from '../teachers/teacher-outputs.js';
import { findBinaryLabelProblem, findClassIndexProblem, findNonFinite, requireWholeNumber } from '../values/index.js';

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

/** Options of {@link evaluateStudent} and {@link evaluateTeacher}. */
export interface EvaluateOptions {
  /** Rows per forward pass, a whole number ≥ 1; default 256. */
  batchSize?: number;
  /** Yields to the event loop between batches (a runtime's `nextTick`). */
  nextTick?: () => Promise<void>;
}

/**
 * Evaluates a student on labelled data: every requested metric, plus `loss` (the log-loss against
 * the labels, i.e. the hard loss at α = 1).
 *
 * The labels and options are checked once, before anything runs; the student's own outputs are
 * probabilities by construction (sigmoid/softmax), so they are only checked to be finite, once,
 * and the metrics then run without re-checking them.
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
  options: EvaluateOptions = {},
): Promise<Record<string, number>> {
  const where = 'evaluateStudent';
  const batchSize = checkEvaluateArguments(where, x, labels, metrics, options);
  const { probs, units } = await predictProbabilities(student, x, batchSize, options.nextTick);
  fail(findNonFinite(probs, { where, name: `student "${student.name}" outputs`, argument: 'student' }));
  return scoreChecked(where, labels, probs, units, metrics);
}

/**
 * Evaluates a teacher (or ensemble) on labelled data with the same metrics as
 * {@link evaluateStudent}, so teachers and students can be compared in one table. The outputs
 * go through the runtime's teacher cache (and are checked there, as for training).
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
  options: Omit<EvaluateOptions, 'nextTick'> = {},
): Promise<Record<string, number>> {
  const where = 'evaluateTeacher';
  const batchSize = checkEvaluateArguments(where, x, labels, metrics, options);
  const out = await computeTeacherOutputs(runtime, asTeacher(source), x, { batchSize });
  const probsTensor = tf.tidy(() => toSpace(out.values, out.kind, 'probabilities'));
  out.values.dispose();
  const units = probsTensor.shape[1];
  const probs = (await probsTensor.data()) as Float32Array;
  probsTensor.dispose();
  return scoreChecked(where, labels, probs, units, metrics);
}

/** The checks both evaluations make before running a model; returns the batch size. */
function checkEvaluateArguments(
  where: string,
  x: tf.Tensor,
  labels: ArrayLike<number>,
  metrics: MetricName[],
  options: EvaluateOptions,
): number {
  const batchSize = requireWholeNumber('batchSize', options.batchSize ?? 256, { min: 1, where });
  requireMetricNames(where, metrics);
  if (!(x instanceof tf.Tensor) || x.rank < 2 || x.shape[0] === 0) {
    throw new KdError('KD_DATA_INVALID', `${where}: x must be a tensor [N, ...features] with N ≥ 1.`, {
      shape: x instanceof tf.Tensor ? x.shape : undefined,
    });
  }
  if (labels == null || typeof labels.length !== 'number' || labels.length !== x.shape[0]) {
    throw new KdError(
      'KD_SHAPE_MISMATCH',
      `${where}: x has ${x.shape[0]} rows but ${labels?.length} labels were given. Give one label per row.`,
      { rows: x.shape[0], labels: labels?.length },
    );
  }
  const source = { where, name: 'labels' };
  fail(findNonFinite(labels, source));
  return batchSize;
}

/** Metrics of checked labels against model probabilities [N, units], checking the labels against K once. */
function scoreChecked(
  where: string,
  labels: ArrayLike<number>,
  probs: Float32Array,
  units: number,
  metrics: MetricName[],
): Record<string, number> {
  const n = labels.length;
  const source = { where, name: 'labels' };
  fail(units === 1 ? findBinaryLabelProblem(labels, source) : findClassIndexProblem(labels, units, source));
  const names = Array.from(new Set<MetricName>([...metrics, 'logLoss']));
  const common = { n, yTrue: labels, weights: undefined, threshold: 0.5, bins: 10, eps: 1e-7 };
  const values =
    units <= 2
      ? computeMetricsUnchecked(names, {
          ...common,
          probs: units === 2 ? secondColumn(probs, n) : probs,
          numClasses: 2,
        })
      : computeMetricsUnchecked(names, { ...common, probs, numClasses: units });
  return { ...values, loss: values.logLoss! };
}

function fail(problem: KdError | undefined): void {
  if (problem !== undefined) throw problem;
}
