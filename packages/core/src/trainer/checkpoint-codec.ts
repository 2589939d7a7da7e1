import * as tf from '@tensorflow/tfjs-core';
import { KdError } from '../errors/kd-error.js';
import type { CheckpointTensor } from './checkpoint-store.js';
import type { EarlyStoppingState } from './early-stopping.js';
import type { RunIdentity } from './run-identity.js';
import type { EpochLog } from './types.js';

export const CHECKPOINT_FORMAT = 'kd-checkpoint';
export const CHECKPOINT_VERSION = 1;

/** The JSON part of a checkpoint. */
export interface CheckpointMeta {
  format: typeof CHECKPOINT_FORMAT;
  version: typeof CHECKPOINT_VERSION;
  identity: RunIdentity;
  epoch: number;
  batch: number;
  globalStep: number;
  skipped: number;
  stoppedEarly: boolean;
  /** The shuffle state the epoch in progress began from. */
  shuffle: number | null;
  /** That epoch's totals so far (float32 values), when saved mid-epoch. */
  totals: number[] | null;
  history: EpochLog[];
  earlyStopping: EarlyStoppingState | null;
  optimizerWeights: string[];
  /** Optimizer variables its getWeights leaves out (Adam's running β powers), by property name. */
  optimizerExtras: string[];
  studentWeights: number;
  bestWeights: number;
}

/** JSON with NaN and ±Infinity kept (validation metrics can be NaN). */
export function encodeMeta(meta: CheckpointMeta): string {
  return JSON.stringify(meta, (_k, v: unknown) =>
    typeof v === 'number' && !Number.isFinite(v) ? { 'kd:number': String(v) } : v,
  );
}

export function decodeMeta(text: string): CheckpointMeta {
  let meta: CheckpointMeta;
  try {
    meta = JSON.parse(text, (_k, v: unknown) =>
      typeof v === 'object' && v !== null && 'kd:number' in v ? Number((v as Record<string, string>)['kd:number']) : v,
    ) as CheckpointMeta;
  } catch (cause) {
    throw corrupt(`its description is not JSON (${(cause as Error).message})`);
  }
  if (meta?.format !== CHECKPOINT_FORMAT || meta.version !== CHECKPOINT_VERSION)
    throw corrupt(`it is not a version ${CHECKPOINT_VERSION} kd checkpoint`);
  return meta;
}

/** Reads a tensor's values (asynchronously) into a checkpoint entry. */
export async function toEntry(name: string, t: tf.Tensor): Promise<CheckpointTensor> {
  const dtype = t.dtype === 'int32' || t.dtype === 'bool' ? t.dtype : 'float32';
  const data = await t.data();
  const values =
    dtype === 'int32' ? Int32Array.from(data) : dtype === 'bool' ? Uint8Array.from(data) : Float32Array.from(data);
  return { name, dtype, shape: [...t.shape], values };
}

/** The entries of a checkpoint by name, turned back into tensors on demand (the caller disposes them). */
export function tensorReader(entries: CheckpointTensor[]): (name: string) => tf.Tensor {
  const byName = new Map(entries.map((e) => [e.name, e]));
  return (name) => {
    const e = byName.get(name);
    if (!e) throw corrupt(`tensor "${name}" is missing`);
    const size = e.shape.reduce((a, b) => a * b, 1);
    if (e.values.length !== size)
      throw corrupt(`tensor "${name}" holds ${e.values.length} values for shape [${e.shape}]`);
    return tf.tensor(e.values, e.shape, e.dtype);
  };
}

export function corrupt(why: string): KdError {
  return new KdError(
    'KD_CHECKPOINT_CORRUPT',
    `The checkpoint cannot be read: ${why}. Delete it (or point checkpoint.store elsewhere) to start the run afresh.`,
  );
}
