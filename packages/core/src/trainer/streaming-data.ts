import * as tf from '@tensorflow/tfjs-core';
import { KdError } from '../errors/kd-error.js';

/**
 * One batch of a stream: one optimisation step.
 *
 * - `x`: a tensor `[rows, ...featureShape]`, or a `Float32Array` holding those values row-major.
 * - `y`: a tensor (int labels `[rows]`, binary `[rows]`/`[rows, 1]`, or one-hot `[rows, K]`), or
 *   plain numbers, one label per row (pass a tensor for one-hot or soft labels).
 * - `sampleWeight`: optional, one weight per row.
 *
 * Tensors a stream yields are handed over: kd disposes them once the batch has been used, so a
 * source creates fresh tensors for every batch and never yields one it keeps.
 */
export interface StreamBatch {
  x: tf.Tensor | Float32Array;
  y: tf.Tensor | ArrayLike<number>;
  sampleWeight?: tf.Tensor | ArrayLike<number>;
}

/**
 * Training data read batch by batch, for data sets larger than memory. `batches()` starts a new
 * pass over the data each time it is called: once for the check before training, then once per
 * epoch. Build one with {@link streamingData}, or write the two members yourself.
 */
export interface StreamingData {
  /** A fresh pass over the data, in the order to train on. */
  batches(): AsyncIterable<StreamBatch> | Iterable<StreamBatch>;
  /** The shape of one row of `x` (without the batch dimension), e.g. `[28, 28, 1]`. */
  featureShape: number[];
}

/** Options for {@link streamingData}. */
export interface StreamingDataOptions {
  /** The shape of one row of `x`, without the batch dimension. */
  featureShape: number[];
}

/**
 * Wraps a function that starts a pass over the data (typically an async generator) as
 * {@link StreamingData} for `distill` and `trainFromScratch`.
 *
 * @example
 * ```ts
 * const data = streamingData(async function* () {
 *   for (const file of shardFiles) yield await readShard(file); // { x: Float32Array, y: labels }
 * }, { featureShape: [16] });
 * await distill({ runtime, teacher, student, data, validation: { x: xVal, y: yVal }, epochs: 5 });
 * ```
 */
export function streamingData(
  batches: () => AsyncIterable<StreamBatch> | Iterable<StreamBatch>,
  options: StreamingDataOptions,
): StreamingData {
  if (typeof batches !== 'function') {
    throw new KdError(
      'KD_INVALID_ARGUMENT',
      'streamingData needs a function that starts a new pass over the data each time it is called ' +
        '(e.g. an async generator function), not an iterator that can run only once.',
    );
  }
  const featureShape = checkFeatureShape(options?.featureShape);
  return { batches, featureShape };
}

/** Whether `data` is a stream rather than in-memory `{ x, y }` tensors. */
export function isStreamingData(data: unknown): data is StreamingData {
  return typeof data === 'object' && data !== null && typeof (data as StreamingData).batches === 'function';
}

/** Checks a feature shape and returns a copy of it. */
export function checkFeatureShape(shape: unknown): number[] {
  if (!Array.isArray(shape) || shape.length === 0 || !shape.every((d) => Number.isInteger(d) && d >= 1)) {
    throw new KdError(
      'KD_INVALID_ARGUMENT',
      `A stream needs featureShape: the shape of one row of x as positive integers, e.g. [16] or [28, 28, 1]; got ${JSON.stringify(shape)}.`,
      { featureShape: shape },
    );
  }
  return [...(shape as number[])];
}

/** A stream batch as tensors, with everything to free once it has been used. */
export interface StreamBatchTensors {
  x: tf.Tensor;
  y: tf.Tensor;
  sampleWeight?: tf.Tensor;
  rows: number;
  /** Every tensor of the batch, the yielded ones included. */
  owned: tf.Tensor[];
}

/**
 * Turns a yielded batch into tensors and checks what needs no read of the values: that `x` has
 * the stream's feature shape. Takes ownership of yielded tensors (freed here if a check fails).
 */
export function streamBatchTensors(batch: StreamBatch, featureShape: number[], what: string): StreamBatchTensors {
  const owned: tf.Tensor[] = [];
  const given = (t: unknown) => {
    if (t instanceof tf.Tensor) owned.push(t);
  };
  if (typeof batch === 'object' && batch !== null) [batch.x, batch.y, batch.sampleWeight].forEach(given);
  try {
    if (typeof batch !== 'object' || batch === null || batch.x === undefined || batch.y === undefined) {
      throw new KdError(
        'KD_DATA_INVALID',
        `${what} must be { x, y, sampleWeight? }; got ${batch === null ? 'null' : typeof batch}.`,
      );
    }
    const perRow = featureShape.reduce((a, b) => a * b, 1);
    let x: tf.Tensor;
    if (batch.x instanceof tf.Tensor) {
      x = batch.x;
      if (x.rank !== featureShape.length + 1 || x.shape.slice(1).some((d, i) => d !== featureShape[i])) {
        throw new KdError(
          'KD_SHAPE_MISMATCH',
          `${what}.x has shape [${x.shape.join(', ')}] but the stream's featureShape is ` +
            `[${featureShape.join(', ')}]; every batch must be [rows, ${featureShape.join(', ')}].`,
          { x: x.shape, featureShape },
        );
      }
    } else if (batch.x instanceof Float32Array) {
      if (batch.x.length === 0 || batch.x.length % perRow !== 0) {
        throw new KdError(
          'KD_SHAPE_MISMATCH',
          `${what}.x holds ${batch.x.length} values, ` +
            `which is not a whole number (> 0) of rows of featureShape [${featureShape.join(', ')}] ` +
            `(${perRow} values each).`,
          { length: batch.x.length, featureShape },
        );
      }
      x = tf.tensor(batch.x, [batch.x.length / perRow, ...featureShape], 'float32');
      owned.push(x);
    } else {
      throw new KdError(
        'KD_DATA_INVALID',
        `${what}.x must be a tensor or a Float32Array (row-major [rows, ${featureShape.join(', ')}]).`,
      );
    }
    const y = batch.y instanceof tf.Tensor ? batch.y : toVector(batch.y, `${what}.y`, owned);
    const weight =
      batch.sampleWeight === undefined
        ? undefined
        : batch.sampleWeight instanceof tf.Tensor
          ? batch.sampleWeight
          : toVector(batch.sampleWeight, `${what}.sampleWeight`, owned);
    return { x, y, ...(weight ? { sampleWeight: weight } : {}), rows: x.shape[0]!, owned };
  } catch (e) {
    tf.dispose(owned);
    throw e;
  }
}

function toVector(values: ArrayLike<number>, what: string, owned: tf.Tensor[]): tf.Tensor1D {
  if (typeof values !== 'object' || values === null || typeof values.length !== 'number') {
    throw new KdError('KD_DATA_INVALID', `${what} must be a tensor or an array of numbers, one per row.`);
  }
  const t = tf.tensor1d(Float32Array.from(values), 'float32');
  owned.push(t);
  return t;
}
