import type * as tf from '@tensorflow/tfjs-core';
import type {
  BatchLog,
  EarlyStoppingOptions,
  EpochLog,
  MetricName,
  OutputKind,
  RuntimeInfo,
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

/** Training settings that survive `postMessage` (schedules as their JSON). */
export interface WorkerTrainingSettings {
  epochs?: number;
  batchSize?: number;
  seed?: number;
  shuffle?: boolean;
  alpha?: number | object;
  temperature?: number | object;
  teacherBatchSize?: number;
  metrics?: MetricName[];
  earlyStopping?: EarlyStoppingOptions;
  /** Adam's learning rate (epsilon 1e-7 on every backend). Default: kd's default optimizer. */
  learningRate?: number;
}

/** One training job. */
export interface WorkerJob {
  student: SerializedModel & { output?: OutputKind };
  teacher?: SerializedTeacher;
  data: SerializedData;
  validation?: SerializedData | { split: number };
  settings: WorkerTrainingSettings;
}

/** What the worker hands back. */
export interface WorkerJobResult {
  history: EpochLog[];
  bestEpoch: number;
  stoppedEarly: boolean;
  aborted: boolean;
  runtime: RuntimeInfo;
  student: SerializedModel;
}

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
