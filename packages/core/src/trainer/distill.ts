import * as tf from '@tensorflow/tfjs-core';
import { KdError } from '../errors/kd-error.js';
import type { MetricName } from '../metrics/index.js';
import { assertActiveBackend } from '../runtime/backend-runtime.js';
import type { RuntimeInfo } from '../runtime/types.js';
import { resolveSchedule, scheduleValues, type Schedule } from '../schedules/index.js';
import { layersStudent } from '../students/layers-student.js';
import { isStudent, type Student } from '../students/student.js';
import { toSpace } from '../teachers/ensemble.js';
import { teacher as asTeacher } from '../teachers/teacher.js';
import { computeTeacherOutputs } from '../teachers/teacher-outputs.js';
import { mulberry32, permutation } from '../util/random.js';
import { batchLoss, type LossTask } from './batch-loss.js';
import { EarlyStopping } from './early-stopping.js';
import { evaluateStudent } from './evaluate.js';
import { probeTrainingStep } from './kernel-probe.js';
import { prepareLabeled, splitValidation, type PreparedData } from './prepare-data.js';
import { consoleProgress } from './progress.js';
import type { DistillCallbacks, DistillOptions, DistillResult, EpochLog, TrainOptions } from './types.js';

const BINARY_METRICS: MetricName[] = ['accuracy', 'auc', 'logLoss', 'brier', 'ece'];
const MULTICLASS_METRICS: MetricName[] = ['accuracy', 'logLoss'];

/**
 * Distils a teacher (or ensemble) into a student:
 * `loss = α·hard + (1 − α)·soft`, with α and the temperature T as numbers or schedules.
 * Everything is validated before the first step; each step runs inside `tf.tidy` and nothing is
 * read from the device until the epoch ends.
 *
 * @example
 * ```ts
 * import { distill, ensemble, layersStudent } from '@kd/core';
 * import { cpuRuntime } from '@kd/core/cpu';
 *
 * const result = await distill({
 *   runtime: cpuRuntime(),
 *   teacher: ensemble([teacherA, teacherB]),
 *   student: layersStudent(smallModel),
 *   data: { x: xTrain, y: yTrain },
 *   validation: { split: 0.2 },
 *   alpha: 0.3,
 *   epochs: 10,
 *   earlyStopping: { monitor: 'val_auc', patience: 2 },
 * });
 * console.log(result.history.at(-1));
 * ```
 */
export async function distill(options: DistillOptions): Promise<DistillResult> {
  if (!options || options.teacher === undefined || options.teacher === null) {
    throw new KdError('KD_TEACHER_INVALID', 'distill needs a teacher. To train without one, call trainFromScratch with the same options.');
  }
  return runTraining(options, options.teacher);
}

/**
 * Trains the student on the labels alone (α = 1, no teacher) with the same loop as
 * {@link distill}, so the two can be compared like for like.
 *
 * @example
 * ```ts
 * const scratch = await trainFromScratch({ runtime, student: layersStudent(sameArchitecture), data, epochs: 10 });
 * ```
 */
export async function trainFromScratch(options: TrainOptions): Promise<DistillResult> {
  return runTraining({ ...options, alpha: 1, temperature: 1 } as DistillOptions, undefined);
}

async function runTraining(options: DistillOptions, teacherSource: DistillOptions['teacher'] | undefined): Promise<DistillResult> {
  const epochs = options.epochs ?? 10;
  const batchSize = options.batchSize ?? 32;
  if (!(Number.isInteger(epochs) && epochs >= 1)) throw new KdError('KD_INVALID_ARGUMENT', `epochs must be an integer ≥ 1; got ${epochs}.`);
  if (!(Number.isInteger(batchSize) && batchSize >= 1)) throw new KdError('KD_INVALID_ARGUMENT', `batchSize must be an integer ≥ 1; got ${batchSize}.`);
  if (!options.runtime || typeof options.runtime.init !== 'function') {
    throw new KdError('KD_INVALID_ARGUMENT', "Pass a runtime, e.g. runtime: cpuRuntime() from '@kd/core/cpu' or nodeRuntime() from '@kd/node'.");
  }
  const runtimeInfo = await options.runtime.init();
  assertActiveBackend(runtimeInfo);

  const student = toStudent(options.student);
  const teacherObj = teacherSource === undefined ? undefined : asTeacher(teacherSource);
  const alphaSchedule: Schedule = resolveSchedule(options.alpha ?? 0.5);
  const temperatureSchedule: Schedule = resolveSchedule(options.temperature ?? 1);

  const owned: tf.Tensor[] = [];
  const callbacks = collectCallbacks(options);
  let optimizer = options.optimizer;
  const ownOptimizer = optimizer === undefined;
  let stopper: EarlyStopping | undefined;
  try {
    // ---- everything below is validation and preparation: nothing has trained yet ----
    const split = splitValidation(options.data, options.validation);
    owned.push(...split.owned);
    const units = await studentUnits(student, split.train.x);
    const classes = units;
    const task: LossTask = units === 1 ? 'binary' : 'multiclass';
    const train = await prepareLabeled(split.train, classes, 'data');
    owned.push(...train.owned);
    let val: PreparedData | undefined;
    if (split.validation) {
      val = await prepareLabeled(split.validation, classes, 'validation');
      owned.push(...val.owned);
    }
    const stepsPerEpoch = Math.ceil(train.rows / batchSize);
    const totalSteps = stepsPerEpoch * epochs;
    const alphas = checkedValues(alphaSchedule, totalSteps, stepsPerEpoch, 'alpha');
    const temperatures = checkedValues(temperatureSchedule, totalSteps, stepsPerEpoch, 'temperature');
    const metrics = options.metrics ?? (task === 'binary' ? BINARY_METRICS : MULTICLASS_METRICS);

    let teacherTargets: tf.Tensor2D | undefined;
    let teacherKind: 'logits' | 'probabilities' = 'logits';
    if (teacherObj) {
      const outputs = await computeTeacherOutputs(options.runtime, teacherObj, train.x, { batchSize: options.teacherBatchSize ?? 256 });
      owned.push(outputs.values);
      if (outputs.values.shape[1] !== units) {
        throw new KdError('KD_SHAPE_MISMATCH', `The teacher outputs ${outputs.values.shape[1]} units per row but the student outputs ${units}. Teacher and student must predict the same classes.`, { teacher: outputs.values.shape[1], student: units });
      }
      // Temperatures other than 1 (and the softmax loss) need teacher logits; T = 1 binary uses probabilities exactly.
      const needLogits = task === 'multiclass' || temperatures.some((t) => t !== 1);
      teacherKind = needLogits ? 'logits' : outputs.kind;
      teacherTargets = needLogits && outputs.kind !== 'logits' ? tf.tidy(() => toSpace(outputs.values, outputs.kind, 'logits')) : outputs.values;
      if (teacherTargets !== outputs.values) owned.push(teacherTargets);
    }

    const available = ['loss', 'hardLoss', 'softLoss', ...(val ? ['val_loss', ...metrics.map((m) => `val_${m}`)] : [])];
    if (options.earlyStopping) stopper = new EarlyStopping(options.earlyStopping, student, available);

    if (options.optimizer && options.learningRate !== undefined) {
      throw new KdError('KD_INVALID_ARGUMENT', 'Pass either optimizer or learningRate, not both: learningRate configures the default Adam optimizer.');
    }
    const learningRate = options.learningRate ?? 1e-3;
    if (!(learningRate > 0 && Number.isFinite(learningRate))) throw new KdError('KD_INVALID_ARGUMENT', `learningRate must be a positive number; got ${learningRate}.`);
    optimizer ??= tf.train.adam(learningRate, 0.9, 0.999, 1e-7);
    const vars = student.trainableVariables();
    if (vars.length === 0) throw new KdError('KD_STUDENT_INVALID', `Student "${student.name}" has no trainable variables.`);

    const step = (idx: tf.Tensor1D, alpha: number, temperature: number) => {
      let hard: tf.Scalar | undefined;
      let soft: tf.Scalar | undefined;
      const cost = optimizer!.minimize(
        () => {
          const xb = tf.gather(train.x, idx);
          const yb = tf.gather(train.y, idx);
          const out = student.apply(xb, { training: true });
          const parts = batchLoss({
            task,
            studentOutput: out,
            studentKind: student.output,
            yTrue: yb,
            ...(teacherTargets ? { teacher: tf.gather(teacherTargets, idx), teacherKind } : {}),
            alpha,
            temperature,
            ...(train.sampleWeight ? { sampleWeight: tf.gather(train.sampleWeight, idx) } : {}),
          });
          hard = tf.keep(parts.hard);
          soft = tf.keep(parts.soft);
          return parts.total;
        },
        true,
        vars,
      ) as tf.Scalar;
      return { cost, hard: hard!, soft: soft! };
    };

    probeTrainingStep(options.runtime, student, () => {
      const idx = tf.tensor1d([0, Math.min(1, train.rows - 1)], 'int32');
      try {
        const grads = tf.variableGrads(() => {
          const out = student.apply(tf.gather(train.x, idx), { training: true });
          return batchLoss({ task, studentOutput: out, studentKind: student.output, yTrue: tf.gather(train.y, idx), ...(teacherTargets ? { teacher: tf.gather(teacherTargets, idx), teacherKind } : {}), alpha: alphas[0]!, temperature: temperatures[0]! }).total;
        }, vars);
        grads.value.dispose();
        Object.values(grads.grads).forEach((g) => g.dispose());
      } finally {
        idx.dispose();
      }
    });

    for (const cb of callbacks) {
      await cb.onTrainBegin?.({ runtime: runtimeInfo, task, classes: task === 'binary' ? 2 : classes, trainRows: train.rows, validationRows: val?.rows ?? 0, epochs, batchSize, totalSteps, fromScratch: !teacherObj });
    }

    // ---- training ----
    const random = mulberry32(options.seed ?? 0);
    const history: EpochLog[] = [];
    let stoppedEarly = false;
    let aborted = false;
    let globalStep = 0;
    for (let epoch = 0; epoch < epochs && !stoppedEarly && !aborted; epoch++) {
      const started = Date.now();
      const order = options.shuffle === false ? Int32Array.from({ length: train.rows }, (_, i) => i) : permutation(train.rows, random);
      let sums = tf.zeros([3]);
      for (let b = 0; b < stepsPerEpoch; b++) {
        if (options.signal?.aborted) {
          aborted = true;
          break;
        }
        const start = b * batchSize;
        const size = Math.min(batchSize, train.rows - start);
        const idx = tf.tensor1d(order.subarray(start, start + size), 'int32');
        const alpha = alphas[globalStep]!;
        const temperature = temperatures[globalStep]!;
        const { cost, hard, soft } = step(idx, alpha, temperature);
        const next = tf.tidy(() => tf.add(sums, tf.mul(tf.stack([cost, hard, soft]), size)));
        tf.dispose([sums, cost, hard, soft, idx]);
        sums = next;
        for (const cb of callbacks) {
          await cb.onBatchEnd?.({ epoch, batch: b, step: globalStep, batchesPerEpoch: stepsPerEpoch, totalSteps, size, alpha, temperature });
        }
        globalStep++;
        await options.runtime.nextTick?.();
      }
      const [loss, hardLoss, softLoss] = Array.from(await sums.data()).map((v) => v / train.rows) as [number, number, number];
      sums.dispose();
      if (aborted) break;
      if (!Number.isFinite(loss)) {
        throw new KdError('KD_TRAINING_DIVERGED', `The loss became ${loss} in epoch ${epoch}. Lower the learning rate, check the input scaling, or use a logits student.`, { epoch });
      }
      const valMetrics: Record<string, number> = {};
      if (val) {
        const m = await evaluateStudent(student, val.x, val.labels, metrics, { batchSize: Math.max(batchSize, 256), ...(options.runtime.nextTick ? { nextTick: () => options.runtime.nextTick!() } : {}) });
        for (const [k, v] of Object.entries(m)) valMetrics[`val_${k}`] = v;
      }
      const log: EpochLog = {
        epoch,
        loss,
        hardLoss,
        softLoss: teacherObj ? softLoss : 0,
        alpha: alphas[globalStep - 1]!,
        temperature: temperatures[globalStep - 1]!,
        val: valMetrics,
        durationMs: Date.now() - started,
      };
      history.push(log);
      for (const cb of callbacks) {
        if ((await cb.onEpochEnd?.(log)) === 'stop') stoppedEarly = true;
      }
      if (stopper?.update(log)) stoppedEarly = true;
    }

    const lastEpoch = history.length - 1;
    const bestEpoch = stopper ? stopper.finish(lastEpoch) : lastEpoch;
    const result: DistillResult = { history, bestEpoch, stoppedEarly, aborted, student, runtime: runtimeInfo as RuntimeInfo };
    for (const cb of callbacks) await cb.onTrainEnd?.(result);
    return result;
  } finally {
    stopper?.dispose();
    tf.dispose(owned);
    if (ownOptimizer) optimizer?.dispose();
  }
}

function toStudent(s: DistillOptions['student']): Student {
  if (isStudent(s)) return s;
  if (s && typeof (s as { apply?: unknown }).apply === 'function') return layersStudent(s);
  throw new KdError('KD_STUDENT_INVALID', 'student must be a tfjs-layers model or a Student (see layersStudent and customStudent).');
}

function collectCallbacks(options: TrainOptions): DistillCallbacks[] {
  const list = options.callbacks === undefined ? [] : Array.isArray(options.callbacks) ? [...options.callbacks] : [options.callbacks];
  if (options.progress) list.push(consoleProgress());
  return list;
}

async function studentUnits(student: Student, x: tf.Tensor): Promise<number> {
  let shape: number[];
  try {
    shape = tf.tidy(() => student.apply(tf.slice(x, 0, 1), { training: false }).shape);
  } catch (cause) {
    throw new KdError('KD_SHAPE_MISMATCH', `Student "${student.name}" could not run on one row of data shaped [${x.shape.slice(1).join(', ')}]: ${(cause as Error).message}`, { x: x.shape }, { cause });
  }
  if (shape.length === 1) return 1;
  if (shape.length !== 2) throw new KdError('KD_SHAPE_MISMATCH', `Student "${student.name}" must output [N] or [N, units]; got [${shape.join(', ')}].`);
  return shape[1]!;
}

function checkedValues(schedule: Schedule, totalSteps: number, stepsPerEpoch: number, what: 'alpha' | 'temperature'): number[] {
  const values = scheduleValues(schedule, { totalSteps, stepsPerEpoch });
  values.forEach((v, i) => {
    if (what === 'alpha' && !(v >= 0 && v <= 1)) throw new KdError('KD_ALPHA_RANGE', `alpha must stay in [0, 1]; the schedule gives ${v} at step ${i}.`, { step: i, value: v });
    if (what === 'temperature' && !(v > 0 && Number.isFinite(v))) throw new KdError('KD_TEMPERATURE_RANGE', `temperature must stay > 0; the schedule gives ${v} at step ${i}.`, { step: i, value: v });
  });
  return values;
}
