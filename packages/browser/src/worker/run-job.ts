import * as tf from '@tensorflow/tfjs-core';
import { loadLayersModel } from '@tensorflow/tfjs-layers';
import {
  distill,
  KdError,
  layersStudent,
  precomputedTeacher,
  scheduleFromJSON,
  teacher as asTeacher,
  trainFromScratch,
  type DistillCallbacks,
  type KdRuntime,
  type LabeledData,
  type LayersModelLike,
  type Schedule,
  type ScheduleFunction,
  type ScheduleJSON,
  type Teacher,
  type TrainableLayersModel,
  type ValidationOption,
} from '@kd/core';
import { loadTeacher } from '../io/load-teacher.js';
import {
  plainSettings,
  type FromWorker,
  type SerializedData,
  type SerializedTeacher,
  type WorkerJob,
  type WorkerJobResult,
} from './protocol.js';
import { deserializeTensor, serializeModel } from './serialize.js';

/** What {@link runWorkerJob} needs from the worker around it. */
export interface JobContext {
  runtime: KdRuntime;
  post: (message: FromWorker, transfer?: Transferable[]) => void;
  signal: AbortSignal;
  scheduleFunctions?: Record<string, ScheduleFunction>;
}

/** Rebuilds the job's models and tensors, trains, and returns the trained student; frees everything it made. */
export async function runWorkerJob(id: string, job: WorkerJob, ctx: JobContext): Promise<WorkerJobResult> {
  const owned: tf.Tensor[] = [];
  const disposers: Array<() => void> = [];
  try {
    await ctx.runtime.init();
    const studentModel = (await loadLayersModel(tf.io.fromMemory(job.student))) as unknown as TrainableLayersModel;
    disposers.push(() => studentModel.dispose());
    const student = layersStudent(studentModel, job.student.output ? { output: job.student.output } : {});
    const data = toLabeled(job.data, owned);
    const validation: ValidationOption | undefined =
      job.validation === undefined
        ? undefined
        : 'split' in job.validation
          ? { split: job.validation.split }
          : toLabeled(job.validation, owned);
    const unlabeled = job.unlabeled ? { x: deserializeTensor(job.unlabeled.x) } : undefined;
    if (unlabeled) owned.push(unlabeled.x);
    const s = job.settings;
    const callbacks: DistillCallbacks = {
      onTrainBegin: (log) => ctx.post({ kd: 'begin', id, log }),
      onBatchEnd: (log) => ctx.post({ kd: 'batch', id, log }),
      onEpochEnd: (log) => ctx.post({ kd: 'epoch', id, log }),
    };
    // learningRate is one of the plain settings: distill builds (and frees) its default Adam from it.
    const { teacherBatchSize, ...settings } = plainSettings(s);
    const common = {
      runtime: ctx.runtime,
      student,
      data,
      ...(validation ? { validation } : {}),
      // With trainFromScratch, unlabeled and transfer meet its own check (no teacher to label them).
      ...(unlabeled ? { unlabeled } : {}),
      ...settings,
      callbacks,
      signal: ctx.signal,
    };
    const { student: _trained, ...result } = job.teacher
      ? await distill({
          ...common,
          teacher: await buildTeacher(job.teacher, disposers),
          ...(job.transferTeacher ? { transferTeacher: await buildTeacher(job.transferTeacher, disposers) } : {}),
          ...(teacherBatchSize !== undefined ? { teacherBatchSize } : {}),
          ...(s.alpha !== undefined ? { alpha: schedule(s.alpha, ctx) } : {}),
          ...(s.temperature !== undefined ? { temperature: schedule(s.temperature, ctx) } : {}),
        })
      : await trainFromScratch(common);
    return { ...result, student: await serializeModel(studentModel) };
  } finally {
    tf.dispose(owned);
    for (const dispose of disposers.reverse()) dispose();
  }
}

function toLabeled(d: SerializedData, owned: tf.Tensor[]): LabeledData {
  const x = deserializeTensor(d.x);
  const y = deserializeTensor(d.y);
  owned.push(x, y);
  if (!d.sampleWeight) return { x, y };
  const sampleWeight = deserializeTensor(d.sampleWeight);
  owned.push(sampleWeight);
  return { x, y, sampleWeight };
}

function schedule(value: number | ScheduleJSON, ctx: JobContext): number | Schedule {
  return typeof value === 'number' ? value : scheduleFromJSON(value, { functions: ctx.scheduleFunctions ?? {} });
}

async function buildTeacher(t: SerializedTeacher, disposers: Array<() => void>): Promise<Teacher> {
  const options = {
    ...(t.type !== 'outputs' && t.output ? { output: t.output } : {}),
    ...(t.type !== 'outputs' && t.id ? { id: t.id } : {}),
    ...(t.type !== 'outputs' && t.name ? { name: t.name } : {}),
  };
  switch (t.type) {
    case 'outputs':
      return precomputedTeacher(t.values, { output: t.kind, shape: t.shape as [number, number] });
    case 'model': {
      const model = await loadLayersModel(tf.io.fromMemory(t.model));
      disposers.push(() => model.dispose());
      return asTeacher(model as unknown as LayersModelLike, options);
    }
    case 'url': {
      const loaded = await loadTeacher(t.url, options);
      disposers.push(() => loaded.dispose());
      return loaded;
    }
    default:
      throw new KdError(
        'KD_TEACHER_INVALID',
        `Unknown teacher message type ${JSON.stringify((t as { type?: unknown }).type)}.`,
      );
  }
}
