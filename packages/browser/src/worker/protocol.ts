import type * as tf from '@tensorflow/tfjs-core';
import type {
  BatchLog,
  DistillOptions,
  DistillResult,
  EpochLog,
  OutputKind,
  ScheduleJSON,
  TrainBeginLog,
} from '@kd/core';

/** A tensor as plain data that `postMessage` can copy or transfer. */
export interface SerializedTensor {
  values: Float32Array | Int32Array | Uint8Array;
  shape: number[];
  dtype: 'float32' | 'int32' | 'bool';
}

/** A layers model as topology JSON plus one weight buffer (what `model.save` writes). */
export interface SerializedModel {
  modelTopology: object;
  weightSpecs: tf.io.WeightsManifestEntry[];
  weightData: ArrayBuffer;
}

/** How the teacher reaches the worker. */
export type SerializedTeacher =
  | { type: 'outputs'; values: Float32Array; shape: number[]; kind: OutputKind }
  | { type: 'model'; model: SerializedModel; output?: OutputKind; id?: string; name?: string }
  | { type: 'url'; url: string; output?: OutputKind; id?: string; name?: string };

/** Serialized labeled data. */
export interface SerializedData {
  x: SerializedTensor;
  y: SerializedTensor;
  sampleWeight?: SerializedTensor;
}

/**
 * The options of {@link DistillOptions} that are plain data and reach the worker as they are;
 * `trainInWorker` and the worker both copy exactly these, so a new one is added here once.
 */
export const WORKER_PLAIN_SETTINGS = [
  'epochs',
  'batchSize',
  'seed',
  'shuffle',
  'teacherBatchSize',
  'metrics',
  'earlyStopping',
  'learningRate',
  // Plain data too: the generator's name, multiple, seed and options.
  'transfer',
] as const satisfies ReadonlyArray<keyof DistillOptions>;

/** Training settings that survive `postMessage`: the plain options, and schedules as their JSON. */
export type WorkerTrainingSettings = Pick<DistillOptions, (typeof WORKER_PLAIN_SETTINGS)[number]> & {
  alpha?: number | ScheduleJSON;
  temperature?: number | ScheduleJSON;
};

/** The plain settings of `options` that are set (undefined ones are left out, as if not passed). */
export function plainSettings(
  options: Partial<Pick<DistillOptions, (typeof WORKER_PLAIN_SETTINGS)[number]>>,
): Pick<DistillOptions, (typeof WORKER_PLAIN_SETTINGS)[number]> {
  const out: Record<string, unknown> = {};
  for (const key of WORKER_PLAIN_SETTINGS) if (options[key] !== undefined) out[key] = options[key];
  return out;
}

/** One training job. */
export interface WorkerJob {
  student: SerializedModel & { output?: OutputKind };
  teacher?: SerializedTeacher;
  /** Labels the unlabelled and generated rows (`distill`'s `transferTeacher`). */
  transferTeacher?: SerializedTeacher;
  data: SerializedData;
  /** Rows without labels (`distill`'s `unlabeled`, in memory). */
  unlabeled?: { x: SerializedTensor };
  validation?: SerializedData | { split: number };
  settings: WorkerTrainingSettings;
}

/** What the worker hands back: a {@link DistillResult} with the student as saved model data. */
export type WorkerJobResult = Omit<DistillResult, 'student'> & { student: SerializedModel };

/** A KdError (or any error) as data. */
export interface SerializedError {
  name: string;
  message: string;
  code?: string;
  details?: Record<string, unknown>;
}

/** Messages the page sends. */
export type ToWorker = { kd: 'train'; id: string; job: WorkerJob } | { kd: 'abort'; id: string };

/** Messages the worker sends. */
export type FromWorker =
  | { kd: 'begin'; id: string; log: TrainBeginLog }
  | { kd: 'batch'; id: string; log: BatchLog }
  | { kd: 'epoch'; id: string; log: EpochLog }
  | { kd: 'done'; id: string; result: WorkerJobResult }
  | { kd: 'error'; id: string; error: SerializedError };

/** The part of a worker scope or `Worker` the protocol uses. */
export interface MessageEndpoint {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  removeEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
}
