import * as tf from '@tensorflow/tfjs-core';
import {
  isSchedule,
  KdError,
  type BatchLog,
  type CachedTeacherOutputs,
  type DistillOptions,
  type EpochLog,
  type LabeledData,
  type LayersModelLike,
  type OutputKind,
  type Schedule,
  type ScheduleJSON,
  type TeacherOptions,
  type TrainableLayersModel,
  type TrainBeginLog,
  type UnlabeledData,
} from '@kd/core';
import { isLayersModel } from '@kd/core/internal';
import {
  plainSettings,
  type FromWorker,
  type MessageEndpoint,
  type SerializedData,
  type SerializedTeacher,
  type SerializedTensor,
  type ToWorker,
  type WorkerJob,
  type WorkerJobResult,
  type WORKER_PLAIN_SETTINGS,
} from './protocol.js';
import { decodeModelWeights, deserializeError, serializeModel, serializeTensor } from './serialize.js';

/** Progress a worker reports while it trains. */
export type WorkerProgress =
  { type: 'begin'; log: TrainBeginLog } | { type: 'batch'; log: BatchLog } | { type: 'epoch'; log: EpochLog };

/**
 * Options for {@link trainInWorker}: those of {@link DistillOptions} that make sense across a
 * worker boundary (documented there), plus how the models travel. `learningRate` configures the
 * worker's default Adam; an `optimizer` object cannot be sent to a worker. `signal` behaves as in
 * `distill`: aborting (even before the call) stops training at the next batch and the result has
 * `aborted: true`; nothing is thrown.
 */
export interface TrainInWorkerOptions extends Pick<
  DistillOptions,
  (typeof WORKER_PLAIN_SETTINGS)[number] | 'data' | 'validation' | 'alpha' | 'temperature' | 'signal'
> {
  /** A tfjs-layers model; it is copied to the worker and gets the trained weights back. */
  student: TrainableLayersModel;
  /** Whether the student outputs logits or probabilities (inferred from its last activation). */
  studentOutput?: OutputKind;
  /**
   * The teacher: a tfjs-layers model (copied to the worker), a URL or store key the worker loads
   * it from (see {@link loadTeacher}), or outputs computed earlier (e.g. read from the teacher
   * cache). Without one the worker trains from scratch.
   */
  teacher?: LayersModelLike | string | CachedTeacherOutputs;
  /** `output`, `id` and `name` for a model or URL teacher. */
  teacherOptions?: TeacherOptions;
  /**
   * Rows without labels the teacher labels, trained on next to `data` (see `distill`'s
   * `unlabeled`): in-memory `{ x }`, copied to the worker like `data` (a stream cannot cross).
   */
  unlabeled?: UnlabeledData;
  /**
   * The teacher that labels the `unlabeled` and `transfer` rows, in any form `teacher` takes
   * (see `distill`'s `transferTeacher`): needed when `teacher` is precomputed outputs.
   */
  transferTeacher?: LayersModelLike | string | CachedTeacherOutputs;
  /** `output`, `id` and `name` for a model or URL `transferTeacher`. */
  transferTeacherOptions?: TeacherOptions;
  /** Called with each progress message the worker posts (the `DistillCallbacks` hooks, as data). */
  onProgress?: (progress: WorkerProgress) => void;
}

/**
 * What {@link trainInWorker} resolves with: the fields of `distill`'s result, with the trained
 * student as saved model artifacts (`tf.loadLayersModel(tf.io.fromMemory(artifacts))`) instead of
 * a `Student`. `runtime` is the runtime the worker trained on (e.g. `webgl` through an OffscreenCanvas).
 */
export type WorkerTrainingResult = Omit<WorkerJobResult, 'student'> & { artifacts: tf.io.ModelArtifacts };

let jobCounter = 0;

/**
 * Trains in a Web Worker that runs {@link serveDistillWorker}, so the page stays responsive
 * however long training takes. The student, teacher and data are copied to the worker; the
 * trained weights are copied back into `student` when training ends.
 *
 * @example
 * ```ts
 * const worker = new Worker(new URL('./kd.worker.ts', import.meta.url), { type: 'module' });
 * const result = await trainInWorker(worker, {
 *   student, teacher: '/models/teacher/model.json', data: { x, y }, epochs: 5,
 *   onProgress: (p) => p.type === 'epoch' && console.log(p.log.loss),
 * });
 * console.log(result.runtime.backend); // 'webgl'
 * ```
 */
export async function trainInWorker(
  worker: MessageEndpoint,
  options: TrainInWorkerOptions,
): Promise<WorkerTrainingResult> {
  if (!worker || typeof worker.postMessage !== 'function')
    throw new KdError('KD_INVALID_ARGUMENT', 'trainInWorker needs a Worker running serveDistillWorker().');
  if (!isLayersModel(options.student) || typeof options.student.save !== 'function') {
    throw new KdError(
      'KD_STUDENT_INVALID',
      'trainInWorker needs a tfjs-layers model as the student (a hand-written customStudent cannot be copied to a worker).',
    );
  }
  if (options.transferTeacher !== undefined && options.teacher === undefined)
    throw new KdError(
      'KD_INVALID_ARGUMENT',
      'transferTeacher labels the unlabelled and generated rows of a distillation from teacher: pass teacher too, or leave transferTeacher out.',
      { argument: 'transferTeacher' },
    );
  const transfer: Transferable[] = [];
  const student = await serializeModel(options.student);
  transfer.push(student.weightData);
  const data = await serializeData(options.data, 'data', transfer);
  const validation =
    options.validation === undefined
      ? undefined
      : 'split' in options.validation
        ? { split: options.validation.split }
        : await serializeData(options.validation, 'validation', transfer);
  const teacher =
    options.teacher === undefined
      ? undefined
      : await serializeTeacher(options.teacher, options.teacherOptions ?? {}, transfer);
  const transferTeacher =
    options.transferTeacher === undefined
      ? undefined
      : await serializeTeacher(options.transferTeacher, options.transferTeacherOptions ?? {}, transfer);
  const unlabeled = options.unlabeled === undefined ? undefined : await serializeUnlabeled(options.unlabeled, transfer);
  const job: WorkerJob = {
    student: { ...student, ...(options.studentOutput ? { output: options.studentOutput } : {}) },
    ...(teacher ? { teacher } : {}),
    ...(transferTeacher ? { transferTeacher } : {}),
    data,
    ...(unlabeled ? { unlabeled } : {}),
    ...(validation ? { validation } : {}),
    settings: {
      ...plainSettings(options),
      ...(options.alpha !== undefined ? { alpha: scheduleData(options.alpha) } : {}),
      ...(options.temperature !== undefined ? { temperature: scheduleData(options.temperature) } : {}),
    },
  };

  const id = `kd-${++jobCounter}-${Math.random().toString(36).slice(2, 10)}`;
  const outcome = await new Promise<WorkerJobResult>((resolve, reject) => {
    const onAbort = () => worker.postMessage({ kd: 'abort', id } satisfies ToWorker);
    const onError = (event: Event) => {
      // Handled here, as a KdError for the caller: keep the browser from also logging it.
      event.preventDefault();
      finish();
      const message = (event as ErrorEvent).message || 'the worker script failed to load or threw outside a job';
      reject(
        new KdError(
          'KD_WORKER_FAILED',
          `The training worker failed: ${message}. Check that its module calls serveDistillWorker() and loads in this browser.`,
        ),
      );
    };
    const onMessage = (event: MessageEvent) => {
      const m = event.data as FromWorker;
      if (!m || typeof m !== 'object' || m.id !== id) return;
      if (m.kd === 'done') {
        finish();
        resolve(m.result);
      } else if (m.kd === 'error') {
        finish();
        reject(deserializeError(m.error));
      } else {
        try {
          options.onProgress?.({ type: m.kd, log: m.log } as WorkerProgress);
        } catch (e) {
          // A throwing progress callback must not leave the job running unseen.
          worker.postMessage({ kd: 'abort', id } satisfies ToWorker);
          finish();
          reject(e);
        }
      }
    };
    const asEventTarget = worker as unknown as Partial<EventTarget>;
    const finish = () => {
      worker.removeEventListener('message', onMessage);
      asEventTarget.removeEventListener?.('error', onError);
      options.signal?.removeEventListener('abort', onAbort);
    };
    worker.addEventListener('message', onMessage);
    asEventTarget.addEventListener?.('error', onError);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    worker.postMessage({ kd: 'train', id, job } satisfies ToWorker, transfer);
    // As with distill, a signal aborted before the call is not an error: the worker starts the
    // job, stops at its first batch and answers with `aborted: true`.
    if (options.signal?.aborted) onAbort();
  });

  const { student: trained, ...result } = outcome;
  const weights = decodeModelWeights(trained);
  try {
    options.student.setWeights(weights);
  } finally {
    tf.dispose(weights);
  }
  return { ...result, artifacts: { ...trained, format: 'layers-model' } };
}

async function serializeData(d: LabeledData, what: string, transfer: Transferable[]): Promise<SerializedData> {
  if (!d || !(d.x instanceof tf.Tensor) || !(d.y instanceof tf.Tensor))
    throw new KdError('KD_DATA_INVALID', `${what} must be { x, y } tensors (and optionally sampleWeight).`, { what });
  const x = await serializeTensor(d.x, `${what}.x`);
  const y = await serializeTensor(d.y, `${what}.y`);
  transfer.push(x.values.buffer, y.values.buffer);
  if (!d.sampleWeight) return { x, y };
  const sampleWeight = await serializeTensor(d.sampleWeight, `${what}.sampleWeight`);
  transfer.push(sampleWeight.values.buffer);
  return { x, y, sampleWeight };
}

async function serializeUnlabeled(u: UnlabeledData, transfer: Transferable[]): Promise<{ x: SerializedTensor }> {
  const given = u as { x?: unknown; batches?: unknown } | null;
  if (!given || typeof given.batches === 'function' || !(given.x instanceof tf.Tensor))
    throw new KdError(
      'KD_DATA_INVALID',
      'unlabeled must be { x: Tensor } to be sent to a worker (an UnlabeledStream cannot be copied to one).',
      { argument: 'unlabeled' },
    );
  const x = await serializeTensor(given.x, 'unlabeled.x');
  transfer.push(x.values.buffer);
  return { x };
}

async function serializeTeacher(
  t: NonNullable<TrainInWorkerOptions['teacher']>,
  o: TeacherOptions,
  transfer: Transferable[],
): Promise<SerializedTeacher> {
  const meta = {
    ...(o.output ? { output: o.output } : {}),
    ...(o.id ? { id: o.id } : {}),
    ...(o.name ? { name: o.name } : {}),
  };
  if (typeof t === 'string') {
    // The worker resolves relative URLs against its own script, not the page: make them absolute here.
    const isUrl = /^https?:\/\//i.test(t) || t.startsWith('/') || t.startsWith('./') || t.startsWith('../');
    const url = isUrl && typeof location !== 'undefined' ? new URL(t, location.href).href : t;
    return { type: 'url', url, ...meta };
  }
  if (isLayersModel(t)) {
    const model = await serializeModel(t as unknown as TrainableLayersModel);
    transfer.push(model.weightData);
    return { type: 'model', model, ...meta };
  }
  const outputs = t as CachedTeacherOutputs;
  if (
    outputs &&
    outputs.values instanceof Float32Array &&
    Array.isArray(outputs.shape) &&
    (outputs.kind === 'logits' || outputs.kind === 'probabilities')
  ) {
    const values = outputs.values.slice();
    transfer.push(values.buffer);
    return { type: 'outputs', values, shape: [...outputs.shape], kind: outputs.kind };
  }
  throw new KdError(
    'KD_TEACHER_INVALID',
    'A worker teacher must be a tfjs-layers model, a URL or store key, or { values: Float32Array, shape, kind } outputs.',
  );
}

function scheduleData(v: number | Schedule): number | ScheduleJSON {
  if (typeof v === 'number') return v;
  if (isSchedule(v)) return v.toJSON();
  throw new KdError(
    'KD_SCHEDULE_INVALID',
    'alpha and temperature must be numbers or kd schedules to be sent to a worker.',
  );
}
