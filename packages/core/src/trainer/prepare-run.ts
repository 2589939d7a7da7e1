import * as tf from '@tensorflow/tfjs-core';
import { KdError } from '../errors/kd-error.js';
import type { MetricName } from '../metrics/index.js';
import type { RuntimeInfo } from '../runtime/types.js';
import { resolveSchedule, scheduleValues, type Schedule } from '../schedules/index.js';
import { layersStudent } from '../students/layers-student.js';
import { isStudent, type Student } from '../students/student.js';
import { teacher as asTeacher, type Teacher } from '../teachers/teacher.js';
import { computeTeacherOutputs } from '../teachers/teacher-outputs.js';
import { throwIfAborted } from './abort.js';
import type { LossTask } from './batch-loss.js';
import { CallbackList, type TrainingCallback } from './callback-list.js';
import { defaultOptimizer } from './default-optimizer.js';
import { EarlyStopping } from './early-stopping.js';
import { probeTrainingStep } from './kernel-probe.js';
import { LastGoodWeights } from './last-good-weights.js';
import { memorySource } from './memory-source.js';
import { prepareLabeled, splitValidation, type PreparedData } from './prepare-data.js';
import { consoleProgress } from './progress.js';
import type { Run } from './run.js';
import { streamSource } from './stream-source.js';
import { checkFeatureShape, isStreamingData } from './streaming-data.js';
import type { TensorScope } from './tensor-scope.js';
import { checkTeacherUnits, type BatchSource } from './train-batch.js';
import { fusesLoss, stepLoss, type StepSetup } from './train-step.js';
import type { DistillOptions, LabeledData, TrainingData } from './types.js';

const BINARY_METRICS: MetricName[] = ['accuracy', 'auc', 'logLoss', 'brier', 'ece'];
const MULTICLASS_METRICS: MetricName[] = ['accuracy', 'logLoss'];

/** The checked scalar options and the runtime, as the argument checks left them. */
export interface RunSettings {
  epochs: number;
  batchSize: number;
  learningRate: number;
  runtimeInfo: RuntimeInfo;
}

/**
 * Everything before the first step: data checked and batched, the teacher's outputs computed
 * (or read from the cache), schedules expanded and checked, the optimizer and callbacks set up,
 * and one probe step run. Whatever is allocated is owned by `scope`; nothing has trained yet.
 */
export async function prepareRun(
  options: DistillOptions<TrainingData>,
  student: Student,
  teacherSource: DistillOptions['teacher'] | undefined,
  settings: RunSettings,
  scope: TensorScope,
): Promise<Run> {
  const teacher = teacherSource === undefined ? undefined : asTeacher(teacherSource);
  const alphaSchedule: Schedule = resolveSchedule(options.alpha ?? 0.5);
  const temperatureSchedule: Schedule = resolveSchedule(options.temperature ?? 1);
  const data = await prepareData(options, student, teacher, scope);
  const task: LossTask = data.units === 1 ? 'binary' : 'multiclass';
  const stepsPerEpoch = data.source ? data.source.batchesPerEpoch : Math.ceil(data.train!.rows / settings.batchSize);
  const totalSteps = stepsPerEpoch * settings.epochs;
  const alphas = checkedValues(alphaSchedule, totalSteps, stepsPerEpoch, 'alpha');
  const temperatures = checkedValues(temperatureSchedule, totalSteps, stepsPerEpoch, 'temperature');
  const metrics = options.metrics ?? (task === 'binary' ? BINARY_METRICS : MULTICLASS_METRICS);
  throwIfAborted(options.signal);
  const source =
    data.source ??
    scope.own(
      await inMemorySource(options, data.train!, teacher, data.units, settings.batchSize, scope, {
        fuseTargets: data.units === 1 && temperatures.every((t) => fusesLoss(task, t)),
      }),
    );

  const logged = ['loss', 'hardLoss', 'softLoss', ...(data.val ? ['val_loss', ...metrics.map((m) => `val_${m}`)] : [])];
  const earlyStopping = options.earlyStopping
    ? scope.own(new EarlyStopping(options.earlyStopping, student, logged))
    : undefined;
  const optimizer = options.optimizer ?? scope.own(defaultOptimizer(settings.learningRate));
  const vars = student.trainableVariables();
  if (vars.length === 0)
    throw new KdError('KD_STUDENT_INVALID', `Student "${student.name}" has no trainable variables.`);
  const setup = stepSetup(student, task, source, temperatures);
  probe(options, setup, source, vars, alphas[0]!, temperatures[0]!);
  throwIfAborted(options.signal);

  return {
    options,
    runtimeInfo: settings.runtimeInfo,
    student,
    ...(teacher ? { teacher } : {}),
    source,
    ...(data.train ? { train: data.train } : {}),
    ...(data.val ? { val: data.val } : {}),
    task,
    units: data.units,
    epochs: settings.epochs,
    stepsPerEpoch,
    totalSteps,
    alphas,
    temperatures,
    metrics,
    setup,
    vars,
    optimizer,
    callbacks: new CallbackList(callbacksOf(options, earlyStopping)),
    ...(earlyStopping ? { earlyStopping } : {}),
    lastGood: scope.own(new LastGoodWeights(student)),
  };
}

/** Checked training and validation data: a stream's source after its pass, or in-memory rows still to batch. */
interface RunData {
  units: number;
  source?: BatchSource;
  train?: PreparedData;
  val?: PreparedData;
}

async function prepareData(
  options: DistillOptions<TrainingData>,
  student: Student,
  teacher: Teacher | undefined,
  scope: TensorScope,
): Promise<RunData> {
  const prepareOwned = async (data: LabeledData, units: number, what: string, fingerprint = false) => {
    const prepared = await prepareLabeled(data, units, what, { fingerprint });
    scope.own(prepared.owned);
    return prepared;
  };
  if (isStreamingData(options.data)) {
    if (teacher?.byRowPosition) {
      throw new KdError(
        'KD_TEACHER_INVALID',
        `Teacher "${teacher.name}" answers by row position (precomputed outputs), ` +
          'which cannot follow streamed batches. Use a model or function teacher, or load the data in memory.',
      );
    }
    const featureShape = checkFeatureShape(options.data.featureShape);
    const units = await studentUnits(student, featureShape, () => tf.zeros([1, ...featureShape]));
    const val = options.validation
      ? await prepareOwned(options.validation as LabeledData, units, 'validation')
      : undefined;
    // One pass over the stream: checks every batch, counts it, and caches the teacher's outputs.
    const source = scope.own(
      await streamSource({
        runtime: options.runtime,
        data: options.data,
        featureShape,
        units,
        ...(teacher ? { teacher } : {}),
        teacherBatchSize: options.teacherBatchSize ?? 256,
        ...(options.signal ? { signal: options.signal } : {}),
      }),
    );
    return { units, source, ...(val ? { val } : {}) };
  }
  const split = splitValidation(options.data, options.validation);
  scope.own(split.owned);
  const x = split.train.x;
  const units = await studentUnits(student, x.shape.slice(1), () => tf.slice(x, 0, 1));
  const fingerprint = teacher !== undefined || options.checkpoint !== undefined;
  const train = await prepareOwned(split.train, units, 'data', fingerprint);
  const val = split.validation ? await prepareOwned(split.validation, units, 'validation') : undefined;
  return { units, train, ...(val ? { val } : {}) };
}

/** In-memory data as a batch source, with the teacher's outputs for all rows computed (or loaded from the cache) once. */
async function inMemorySource(
  options: DistillOptions<TrainingData>,
  train: PreparedData,
  teacherObj: Teacher | undefined,
  units: number,
  batchSize: number,
  scope: TensorScope,
  how: { fuseTargets: boolean },
): Promise<BatchSource> {
  let teacher: { values: tf.Tensor2D; kind: Teacher['output'] } | undefined;
  if (teacherObj) {
    // A teacher that answers by row position holds one output per row of `data`, the rows that
    // `validation: { split }` holds out included: it answers for all of them, and the training
    // rows (the first ones, see splitValidation) keep theirs.
    const allRows = teacherObj.byRowPosition && options.validation !== undefined && 'split' in options.validation;
    const x = allRows ? (options.data as LabeledData).x : train.x;
    const outputs = await computeTeacherOutputs(options.runtime, teacherObj, x, {
      batchSize: options.teacherBatchSize ?? 256,
      ...(!allRows && train.fingerprint ? { dataKey: train.fingerprint } : {}),
    });
    const values = allRows ? trainRows(outputs.values, train.rows) : outputs.values;
    scope.own(values);
    checkTeacherUnits(values.shape[1], units);
    teacher = { values, kind: outputs.kind };
  }
  return memorySource({
    train,
    ...(teacher ? { teacher } : {}),
    batchSize,
    fuseTargets: how.fuseTargets,
    ...(options.shuffle !== undefined ? { shuffle: options.shuffle } : {}),
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
  });
}

/** The first `rows` rows of outputs computed for every row of the data (the outputs are freed). */
function trainRows(values: tf.Tensor2D, rows: number): tf.Tensor2D {
  const kept = tf.slice(values, [0, 0], [rows, -1]);
  values.dispose();
  return kept;
}

function stepSetup(student: Student, task: LossTask, source: BatchSource, temperatures: number[]): StepSetup {
  // Temperatures other than 1 (and the softmax loss) need teacher logits; T = 1 binary uses probabilities exactly.
  const needLogits = task === 'multiclass' || temperatures.some((t) => t !== 1);
  return {
    student,
    task,
    ...(source.teacherKind
      ? { teacherKind: source.teacherKind, teacherSpace: needLogits ? 'logits' : source.teacherKind }
      : {}),
  };
}

/** One gradient computation on real rows, so a missing kernel or gradient shows up before training. */
function probe(
  options: DistillOptions<TrainingData>,
  setup: StepSetup,
  source: BatchSource,
  vars: tf.Variable[],
  alpha: number,
  temperature: number,
): void {
  probeTrainingStep(options.runtime, setup.student, () => {
    const grads = tf.variableGrads(() => stepLoss(setup, source.probeBatch, alpha, temperature).total, vars);
    grads.value.dispose();
    Object.values(grads.grads).forEach((g) => g.dispose());
  });
}

/** The run's callbacks: early stopping first (it restores the best weights before anyone sees the result). */
function callbacksOf(
  options: DistillOptions<TrainingData>,
  earlyStopping: EarlyStopping | undefined,
): TrainingCallback[] {
  const given = options.callbacks === undefined ? [] : [options.callbacks].flat();
  return [...(earlyStopping ? [earlyStopping] : []), ...given, ...(options.progress ? [consoleProgress()] : [])];
}

export function toStudent(s: DistillOptions['student']): Student {
  if (isStudent(s)) return s;
  if (s && typeof (s as { apply?: unknown }).apply === 'function') return layersStudent(s);
  throw new KdError(
    'KD_STUDENT_INVALID',
    'student must be a tfjs-layers model or a Student (see layersStudent and customStudent).',
  );
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
