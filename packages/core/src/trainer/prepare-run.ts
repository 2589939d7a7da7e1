import * as tf from '@tensorflow/tfjs-core';
import { KdError } from '../errors/kd-error.js';
import type { MetricName } from '../metrics/index.js';
import type { RuntimeInfo } from '../runtime/types.js';
import { resolveSchedule, scheduleValues, type Schedule } from '../schedules/index.js';
import { layersStudent } from '../students/layers-student.js';
import { isStudent, type Student } from '../students/student.js';
import { teacher as asTeacher, type Teacher } from '../teachers/teacher.js';
import { computeTeacherOutputs } from '../teachers/teacher-outputs.js';
import { toSpace } from '../outputs/to-space.js';
import { checkTransferTeachers } from './check-unlabeled.js';
import { prepareExtraRows, type ExtraRows } from './extra-rows.js';
import { nearlyLabelsWarning, SoftTargetTally } from './run-diagnostics.js';
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
import type { DistillOptions, LabeledData, TrainingData, UnlabeledStream } from './types.js';

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
  const transferTeacher = options.transferTeacher === undefined ? undefined : asTeacher(options.transferTeacher);
  if (teacher) checkTransferTeachers(options, teacher, transferTeacher);
  const alphaSchedule: Schedule = resolveSchedule(options.alpha ?? 0.5);
  const temperatureSchedule: Schedule = resolveSchedule(options.temperature ?? 1);
  const data = await prepareData(options, student, teacher, transferTeacher, scope);
  const task: LossTask = data.units === 1 ? 'binary' : 'multiclass';
  const stepsPerEpoch = data.source
    ? data.source.batchesPerEpoch
    : Math.ceil((data.train!.rows + (data.extra?.rows ?? 0)) / settings.batchSize);
  const totalSteps = stepsPerEpoch * settings.epochs;
  const alphas = checkedValues(alphaSchedule, totalSteps, stepsPerEpoch, 'alpha');
  const temperatures = checkedValues(temperatureSchedule, totalSteps, stepsPerEpoch, 'temperature');
  const metrics = options.metrics ?? (task === 'binary' ? BINARY_METRICS : MULTICLASS_METRICS);
  throwIfAborted(options.signal);
  const tally = data.tally ?? (teacher ? new SoftTargetTally(data.units, temperatures[0]!) : undefined);
  const source =
    data.source ??
    scope.own(
      await inMemorySource(options, data.train!, data.extra, { teacher, transferTeacher, tally }, data.units, scope, {
        batchSize: settings.batchSize,
        fuseTargets: data.units === 1 && temperatures.every((t) => fusesLoss(task, t)),
      }),
    );
  const diagnostics = tally ? await tally.result(temperatures[0]!) : undefined;
  const warning = nearlyLabelsWarning(diagnostics);

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
    ...(transferTeacher ? { transferTeacher } : {}),
    source,
    ...(data.train ? { train: data.train } : {}),
    ...(data.extra ? { extra: data.extra } : {}),
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
    ...(diagnostics ? { diagnostics } : {}),
    warnings: warning ? [warning] : [],
  };
}

/** Checked training and validation data: a stream's source after its pass, or in-memory rows still to batch. */
interface RunData {
  units: number;
  source?: BatchSource;
  train?: PreparedData;
  /** In-memory rows without labels (`unlabeled`, `transfer`). */
  extra?: ExtraRows;
  val?: PreparedData;
  /** A stream's soft-target measures, gathered in its pass. */
  tally?: SoftTargetTally;
}

async function prepareData(
  options: DistillOptions<TrainingData>,
  student: Student,
  teacher: Teacher | undefined,
  transferTeacher: Teacher | undefined,
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
    // The soft-target measures at the run's temperature: known now when it is a number.
    const temperature = options.temperature ?? 1;
    const tally = teacher
      ? new SoftTargetTally(units, typeof temperature === 'number' ? temperature : undefined)
      : undefined;
    // One pass over the stream: checks every batch, counts it, and caches the teacher's outputs.
    const source = scope.own(
      await streamSource({
        runtime: options.runtime,
        data: options.data,
        featureShape,
        units,
        ...(teacher ? { teacher } : {}),
        ...(transferTeacher ? { transferTeacher } : {}),
        ...(options.unlabeled !== undefined ? { unlabeled: options.unlabeled as UnlabeledStream } : {}),
        ...(options.transfer ? { transfer: options.transfer } : {}),
        ...(tally ? { tally } : {}),
        teacherBatchSize: options.teacherBatchSize ?? 256,
        ...(options.signal ? { signal: options.signal } : {}),
      }),
    );
    return { units, source, ...(val ? { val } : {}), ...(tally ? { tally } : {}) };
  }
  const split = splitValidation(options.data, options.validation);
  scope.own(split.owned);
  const x = split.train.x;
  const units = await studentUnits(student, x.shape.slice(1), () => tf.slice(x, 0, 1));
  const fingerprint = teacher !== undefined || options.checkpoint !== undefined;
  const train = await prepareOwned(split.train, units, 'data', fingerprint);
  const val = split.validation ? await prepareOwned(split.validation, units, 'validation') : undefined;
  const extra = teacher ? await prepareExtraRows(options, train) : undefined;
  if (extra) scope.own(extra.owned);
  return { units, train, ...(extra ? { extra } : {}), ...(val ? { val } : {}) };
}

/**
 * In-memory data as a batch source, with the teacher's outputs for all rows computed (or loaded
 * from the cache) once: the training rows' from `teacher`, the extra rows' from `transferTeacher`
 * (or `teacher`), each cached under its own key. The training rows' outputs also go to `tally`.
 */
async function inMemorySource(
  options: DistillOptions<TrainingData>,
  train: PreparedData,
  extra: ExtraRows | undefined,
  teachers: { teacher: Teacher | undefined; transferTeacher: Teacher | undefined; tally: SoftTargetTally | undefined },
  units: number,
  scope: TensorScope,
  how: { batchSize: number; fuseTargets: boolean },
): Promise<BatchSource> {
  const teacherObj = teachers.teacher;
  let teacher: { values: tf.Tensor2D; kind: Teacher['output'] } | undefined;
  if (teacherObj) {
    // A teacher that answers by row position holds one output per row of `data`, the rows that
    // `validation: { split }` holds out included: it answers for all of them, and the training
    // rows (the first ones, see splitValidation) keep theirs.
    const allRows = teacherObj.byRowPosition && options.validation !== undefined && 'split' in options.validation;
    const batchSize = options.teacherBatchSize ?? 256;
    const outputs = await computeTeacherOutputs(
      options.runtime,
      teacherObj,
      allRows ? (options.data as LabeledData).x : train.x,
      {
        batchSize,
        ...(!allRows && train.fingerprint ? { dataKey: train.fingerprint } : {}),
      },
    );
    const trainValues = allRows ? trainRows(outputs.values, train.rows) : outputs.values;
    scope.own(trainValues);
    checkTeacherUnits(trainValues.shape[1], units);
    await teachers.tally?.add(trainValues, outputs.kind, train.labels);
    let values = trainValues;
    if (extra) {
      const labeller = teachers.transferTeacher ?? teacherObj;
      const extraOut = await computeTeacherOutputs(options.runtime, labeller, extra.x, {
        batchSize,
        dataKey: extra.dataKey,
      });
      scope.own(extraOut.values);
      checkTeacherUnits(extraOut.values.shape[1], units);
      // One tensor of one kind for every row: the extra rows' outputs in the training rows' kind.
      values = scope.own(
        tf.tidy(() =>
          tf.concat([
            trainValues,
            extraOut.kind === outputs.kind ? extraOut.values : toSpace(extraOut.values, extraOut.kind, outputs.kind),
          ]),
        ) as tf.Tensor2D,
      );
    }
    teacher = { values, kind: outputs.kind };
  }
  return memorySource({
    train,
    ...(teacher ? { teacher } : {}),
    ...(extra ? { extra: { x: extra.x, rows: extra.rows } } : {}),
    batchSize: how.batchSize,
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
