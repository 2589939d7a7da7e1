import * as tf from '@tensorflow/tfjs-core';
import { KdError } from '../errors/kd-error.js';
import type { MetricName } from '../metrics/index.js';
import { assertActiveBackend } from '../runtime/backend-runtime.js';
import type { RuntimeInfo } from '../runtime/types.js';
import { resolveSchedule, scheduleValues, type Schedule } from '../schedules/index.js';
import { layersStudent } from '../students/layers-student.js';
import { isStudent, type Student } from '../students/student.js';
import { teacher as asTeacher, type Teacher } from '../teachers/teacher.js';
import { computeTeacherOutputs } from '../teachers/teacher-outputs.js';
import type { LossTask } from './batch-loss.js';
import { EarlyStopping } from './early-stopping.js';
import { evaluateStudent } from './evaluate.js';
import { probeTrainingStep } from './kernel-probe.js';
import { memorySource } from './memory-source.js';
import { prepareLabeled, splitValidation, type PreparedData } from './prepare-data.js';
import { consoleProgress } from './progress.js';
import { streamSource } from './stream-source.js';
import { checkFeatureShape, isStreamingData } from './streaming-data.js';
import { checkTeacherUnits, type BatchSource } from './train-batch.js';
import { checkTrainOptions } from './check-options.js';
import { stepLoss, trainStep, type StepSetup } from './train-step.js';
import type {
  DistillCallbacks,
  DistillOptions,
  DistillResult,
  EpochLog,
  LabeledData,
  TrainingData,
  TrainOptions,
} from './types.js';

const BINARY_METRICS: MetricName[] = ['accuracy', 'auc', 'logLoss', 'brier', 'ece'];
const MULTICLASS_METRICS: MetricName[] = ['accuracy', 'logLoss'];

/**
 * Distils a teacher (or ensemble) into a student:
 * `loss = α·hard + (1 − α)·soft`, with α and the temperature T as numbers or schedules.
 * Everything is validated before the first step; each step runs inside `tf.tidy` and nothing is
 * read from the device until the epoch ends.
 *
 * `data` is in-memory tensors or, for data larger than memory, a stream ({@link streamingData}):
 * one pass over the stream checks every batch and stores the teacher's outputs in
 * `runtime.cache` before training, and each epoch streams again, one step per batch.
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
export async function distill(options: DistillOptions<TrainingData>): Promise<DistillResult> {
  if (!options || options.teacher === undefined || options.teacher === null) {
    throw new KdError(
      'KD_TEACHER_INVALID',
      'distill needs a teacher. To train without one, call trainFromScratch with the same options.',
    );
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
export async function trainFromScratch(options: TrainOptions<TrainingData>): Promise<DistillResult> {
  return runTraining({ ...options, alpha: 1, temperature: 1 } as DistillOptions<TrainingData>, undefined);
}

async function runTraining(
  options: DistillOptions<TrainingData>,
  teacherSource: DistillOptions['teacher'] | undefined,
): Promise<DistillResult> {
  // Cheap argument checks first, before the runtime starts or any data is read.
  const { epochs, batchSize, learningRate } = checkTrainOptions(options);
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
  let source: BatchSource | undefined;
  try {
    // ---- everything below is validation and preparation: nothing has trained yet ----
    let units: number;
    let train: PreparedData | undefined;
    let val: PreparedData | undefined;
    if (isStreamingData(options.data)) {
      if (teacherObj?.byRowPosition) {
        throw new KdError(
          'KD_TEACHER_INVALID',
          `Teacher "${teacherObj.name}" answers by row position (precomputed outputs), which cannot follow streamed batches. Use a model or function teacher, or load the data in memory.`,
        );
      }
      const featureShape = checkFeatureShape(options.data.featureShape);
      units = await studentUnits(student, featureShape, () => tf.zeros([1, ...featureShape]));
      if (options.validation) {
        val = await prepareLabeled(options.validation as LabeledData, units, 'validation');
        owned.push(...val.owned);
      }
      // One pass over the stream: checks every batch, counts it, and caches the teacher's outputs.
      source = await streamSource({
        runtime: options.runtime,
        data: options.data,
        featureShape,
        units,
        ...(teacherObj ? { teacher: teacherObj } : {}),
        teacherBatchSize: options.teacherBatchSize ?? 256,
      });
    } else {
      const split = splitValidation(options.data, options.validation);
      owned.push(...split.owned);
      const x = split.train.x;
      units = await studentUnits(student, x.shape.slice(1), () => tf.slice(x, 0, 1));
      train = await prepareLabeled(split.train, units, 'data', { fingerprint: teacherObj !== undefined });
      owned.push(...train.owned);
      if (split.validation) {
        val = await prepareLabeled(split.validation, units, 'validation');
        owned.push(...val.owned);
      }
    }
    const task: LossTask = units === 1 ? 'binary' : 'multiclass';
    const stepsPerEpoch = source ? source.batchesPerEpoch : Math.ceil(train!.rows / batchSize);
    const totalSteps = stepsPerEpoch * epochs;
    const alphas = checkedValues(alphaSchedule, totalSteps, stepsPerEpoch, 'alpha');
    const temperatures = checkedValues(temperatureSchedule, totalSteps, stepsPerEpoch, 'temperature');
    const metrics = options.metrics ?? (task === 'binary' ? BINARY_METRICS : MULTICLASS_METRICS);
    source ??= await inMemorySource(options, train!, teacherObj, units, batchSize, owned);

    const available = ['loss', 'hardLoss', 'softLoss', ...(val ? ['val_loss', ...metrics.map((m) => `val_${m}`)] : [])];
    if (options.earlyStopping) stopper = new EarlyStopping(options.earlyStopping, student, available);

    optimizer ??= tf.train.adam(learningRate, 0.9, 0.999, 1e-7);
    const vars = student.trainableVariables();
    if (vars.length === 0)
      throw new KdError('KD_STUDENT_INVALID', `Student "${student.name}" has no trainable variables.`);

    // Temperatures other than 1 (and the softmax loss) need teacher logits; T = 1 binary uses probabilities exactly.
    const needLogits = task === 'multiclass' || temperatures.some((t) => t !== 1);
    const setup: StepSetup = {
      student,
      task,
      ...(source.teacherKind
        ? { teacherKind: source.teacherKind, teacherSpace: needLogits ? 'logits' : source.teacherKind }
        : {}),
    };
    const probe = source.probeBatch;
    probeTrainingStep(options.runtime, student, () => {
      const grads = tf.variableGrads(() => stepLoss(setup, probe, alphas[0]!, temperatures[0]!).total, vars);
      grads.value.dispose();
      Object.values(grads.grads).forEach((g) => g.dispose());
    });

    for (const cb of callbacks) {
      await cb.onTrainBegin?.({
        runtime: runtimeInfo,
        task,
        classes: task === 'binary' ? 2 : units,
        trainRows: source.rows,
        validationRows: val?.rows ?? 0,
        epochs,
        batchSize: source.batchSize,
        totalSteps,
        fromScratch: !teacherObj,
      });
    }

    // ---- training ----
    const history: EpochLog[] = [];
    let stoppedEarly = false;
    let aborted = false;
    let globalStep = 0;
    for (let epoch = 0; epoch < epochs && !stoppedEarly && !aborted; epoch++) {
      const started = Date.now();
      let sums = tf.zeros([3]);
      let rows = 0;
      let b = 0;
      let means: number[];
      try {
        for await (const batch of source.epoch()) {
          if (options.signal?.aborted) {
            aborted = true;
            break;
          }
          if (b === stepsPerEpoch) throw batchCountChanged(epoch, stepsPerEpoch, 'more than');
          const alpha = alphas[globalStep]!;
          const temperature = temperatures[globalStep]!;
          const { cost, hard, soft } = trainStep(setup, optimizer, vars, batch, alpha, temperature);
          const next = tf.tidy(() => tf.add(sums, tf.mul(tf.stack([cost, hard, soft]), batch.rows)));
          tf.dispose([sums, cost, hard, soft]);
          sums = next;
          rows += batch.rows;
          for (const cb of callbacks) {
            await cb.onBatchEnd?.({
              epoch,
              batch: b,
              step: globalStep,
              batchesPerEpoch: stepsPerEpoch,
              totalSteps,
              size: batch.rows,
              alpha,
              temperature,
            });
          }
          b++;
          globalStep++;
          await options.runtime.nextTick?.();
        }
        if (aborted) break;
        if (b !== stepsPerEpoch) throw batchCountChanged(epoch, stepsPerEpoch, `${b}, not`);
        // The epoch's loss is the row-weighted mean over its batches.
        means = Array.from(await sums.data()).map((v) => v / rows);
      } finally {
        sums.dispose();
      }
      const [loss, hardLoss, softLoss] = means as [number, number, number];
      if (!Number.isFinite(loss)) {
        throw new KdError(
          'KD_TRAINING_DIVERGED',
          `The loss became ${loss} in epoch ${epoch}. Lower the learning rate, check the input scaling, or use a logits student.`,
          { epoch },
        );
      }
      const valMetrics: Record<string, number> = {};
      if (val) {
        const m = await evaluateStudent(student, val.x, val.labels, metrics, {
          batchSize: Math.max(source.batchSize, 256),
          ...(options.runtime.nextTick ? { nextTick: () => options.runtime.nextTick!() } : {}),
        });
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
    const result: DistillResult = {
      history,
      bestEpoch,
      stoppedEarly,
      aborted,
      student,
      runtime: runtimeInfo as RuntimeInfo,
    };
    for (const cb of callbacks) await cb.onTrainEnd?.(result);
    return result;
  } finally {
    stopper?.dispose();
    source?.dispose();
    tf.dispose(owned);
    if (ownOptimizer) optimizer?.dispose();
  }
}

/** In-memory data as a batch source, with the teacher's outputs for all rows computed (or loaded from the cache) once. */
async function inMemorySource(
  options: DistillOptions<TrainingData>,
  train: PreparedData,
  teacherObj: Teacher | undefined,
  units: number,
  batchSize: number,
  owned: tf.Tensor[],
): Promise<BatchSource> {
  let teacher: { values: tf.Tensor2D; kind: Teacher['output'] } | undefined;
  if (teacherObj) {
    const outputs = await computeTeacherOutputs(options.runtime, teacherObj, train.x, {
      batchSize: options.teacherBatchSize ?? 256,
      ...(train.fingerprint ? { dataKey: train.fingerprint } : {}),
    });
    owned.push(outputs.values);
    checkTeacherUnits(outputs.values.shape[1], units);
    teacher = { values: outputs.values, kind: outputs.kind };
  }
  return memorySource({
    train,
    ...(teacher ? { teacher } : {}),
    batchSize,
    ...(options.shuffle !== undefined ? { shuffle: options.shuffle } : {}),
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
  });
}

function batchCountChanged(epoch: number, expected: number, got: string): KdError {
  return new KdError(
    'KD_DATA_INVALID',
    `In epoch ${epoch} the training stream yielded ${got} the ${expected} batches it yielded in the pass before training. data.batches() must yield the same number of batches on every pass (schedules and the checks were planned for that many steps).`,
    { epoch, expected },
  );
}

function toStudent(s: DistillOptions['student']): Student {
  if (isStudent(s)) return s;
  if (s && typeof (s as { apply?: unknown }).apply === 'function') return layersStudent(s);
  throw new KdError(
    'KD_STUDENT_INVALID',
    'student must be a tfjs-layers model or a Student (see layersStudent and customStudent).',
  );
}

function collectCallbacks(options: TrainOptions<TrainingData>): DistillCallbacks[] {
  const list =
    options.callbacks === undefined
      ? []
      : Array.isArray(options.callbacks)
        ? [...options.callbacks]
        : [options.callbacks];
  if (options.progress) list.push(consoleProgress());
  return list;
}

/** The student's output units, from running it on one row (`row()`, of features shaped `featureShape`). */
async function studentUnits(student: Student, featureShape: number[], row: () => tf.Tensor): Promise<number> {
  let shape: number[];
  try {
    shape = tf.tidy(() => student.apply(row(), { training: false }).shape);
  } catch (cause) {
    throw new KdError(
      'KD_SHAPE_MISMATCH',
      `Student "${student.name}" could not run on one row of data shaped [${featureShape.join(', ')}]: ${(cause as Error).message}`,
      { featureShape },
      { cause },
    );
  }
  if (shape.length === 1) return 1;
  if (shape.length !== 2)
    throw new KdError(
      'KD_SHAPE_MISMATCH',
      `Student "${student.name}" must output [N] or [N, units]; got [${shape.join(', ')}].`,
    );
  return shape[1]!;
}

function checkedValues(
  schedule: Schedule,
  totalSteps: number,
  stepsPerEpoch: number,
  what: 'alpha' | 'temperature',
): number[] {
  const values = scheduleValues(schedule, { totalSteps, stepsPerEpoch });
  values.forEach((v, i) => {
    if (what === 'alpha' && !(v >= 0 && v <= 1))
      throw new KdError('KD_ALPHA_RANGE', `alpha must stay in [0, 1]; the schedule gives ${v} at step ${i}.`, {
        step: i,
        value: v,
      });
    if (what === 'temperature' && !(v > 0 && Number.isFinite(v)))
      throw new KdError('KD_TEMPERATURE_RANGE', `temperature must stay > 0; the schedule gives ${v} at step ${i}.`, {
        step: i,
        value: v,
      });
  });
  return values;
}
