import * as tf from '@tensorflow/tfjs-core';
import { KdError } from '../errors/kd-error.js';
import { isSchedule } from '../schedules/resolve.js';
import {
  assertAlpha,
  assertTemperature,
  findSingleUnitSoftmax,
  MAX_EPOCHS,
  requireWholeNumber,
} from '../values/index.js';
import { isStreamingData } from './streaming-data.js';
import type { DistillOptions, TrainingData } from './types.js';

/** Epochs a run trains when `epochs` is not given. */
export const DEFAULT_EPOCHS = 10;

/** The options {@link checkTrainOptions} resolved, with their defaults applied. */
export interface CheckedTrainOptions {
  epochs: number;
  batchSize: number;
  learningRate: number;
}

/**
 * The cheap checks of `distill` and `trainFromScratch` options, made before the runtime starts
 * or any data is read: every size option (epochs, batch sizes), the learning rate, α and T given
 * as numbers, options that have no meaning for a stream, the runtime, a layers student ending in
 * a one-unit softmax, and the feature shape of validation data against the training data.
 * Throws `KdError`; returns the resolved sizes.
 *
 * @example
 * ```ts
 * const { epochs, batchSize, learningRate } = checkTrainOptions(options);
 * ```
 */
export function checkTrainOptions(options: DistillOptions<TrainingData>): CheckedTrainOptions {
  if (typeof options !== 'object' || options === null) {
    throw new KdError('KD_INVALID_ARGUMENT', 'Pass the training options as an object { runtime, student, data, … }.');
  }
  const epochs = requireWholeNumber('epochs', options.epochs ?? DEFAULT_EPOCHS, {
    min: 1,
    max: MAX_EPOCHS,
    hint: `More than ${MAX_EPOCHS} epochs is refused as a likely typo; split longer runs.`,
  });
  const stream = isStreamingData(options.data);
  if (stream) checkStreamOptions(options);
  else checkTensorData(options.data, 'data');
  if (options.validation && !('split' in options.validation)) checkTensorData(options.validation, 'validation');
  const batchSize = requireWholeNumber('batchSize', options.batchSize ?? 32, { min: 1 });
  // A zero batch never advances through the rows; a fractional one misaligns teacher outputs with rows.
  if (options.teacherBatchSize !== undefined)
    requireWholeNumber('teacherBatchSize', options.teacherBatchSize, { min: 1 });
  if (options.optimizer && options.learningRate !== undefined) {
    throw new KdError(
      'KD_INVALID_ARGUMENT',
      'Pass either optimizer or learningRate, not both: learningRate configures the default Adam optimizer.',
    );
  }
  const learningRate = options.learningRate ?? 1e-3;
  if (!(typeof learningRate === 'number' && learningRate > 0 && Number.isFinite(learningRate)))
    throw new KdError('KD_INVALID_ARGUMENT', `learningRate must be a positive number; got ${String(learningRate)}.`, {
      argument: 'learningRate',
      value: learningRate,
    });
  // Scheduled values are checked at every step once the run's length is known.
  if (options.alpha !== undefined && !isSchedule(options.alpha)) assertAlpha(options.alpha);
  if (options.temperature !== undefined && !isSchedule(options.temperature)) assertTemperature(options.temperature);
  if (!options.runtime || typeof options.runtime.init !== 'function') {
    throw new KdError(
      'KD_INVALID_ARGUMENT',
      "Pass a runtime, e.g. runtime: cpuRuntime() from '@kd/core/cpu' or nodeRuntime() from '@kd/node'.",
    );
  }
  const singleUnitSoftmax = findSingleUnitSoftmax(options.student);
  if (singleUnitSoftmax !== undefined) throw singleUnitSoftmax;
  checkValidationWidth(options);
  return { epochs, batchSize, learningRate };
}

/**
 * In-memory data is `{ x, y }` tensors. Plain arrays (or anything else) are refused here, before
 * the runtime starts, rather than failing deep inside with a TypeError.
 */
function checkTensorData(data: unknown, argument: 'data' | 'validation'): void {
  const given = data as { x?: unknown; y?: unknown } | null | undefined;
  const isTensors =
    typeof given === 'object' && given !== null && given.x instanceof tf.Tensor && given.y instanceof tf.Tensor;
  if (isTensors) return;
  const what = Array.isArray(data)
    ? 'a plain array'
    : typeof given === 'object' && given !== null
      ? `{ ${Object.keys(given).join(', ')} } without tensors x and y`
      : String(data);
  throw new KdError(
    'KD_DATA_INVALID',
    `${argument} must be { x, y } with tfjs tensors (x: [rows, ...features], y: [rows] labels)` +
      (argument === 'data' ? ', or a stream from streamingData()' : '') +
      `; got ${what}. Wrap plain arrays with tf.tensor2d(x) and tf.tensor1d(y).`,
    { argument },
  );
}

/** Rejects options that have no meaning for a stream, rather than ignoring them. */
function checkStreamOptions(options: DistillOptions<TrainingData>): void {
  if (options.batchSize !== undefined) {
    throw new KdError(
      'KD_INVALID_ARGUMENT',
      `batchSize (${options.batchSize}) does not apply to a stream: each batch the stream yields is one step. ` +
        'Choose the batch size in the source (e.g. csvBatches(path, { batchSize })) and leave batchSize out.',
      { batchSize: options.batchSize },
    );
  }
  if (options.shuffle === true) {
    throw new KdError(
      'KD_INVALID_ARGUMENT',
      'shuffle: true cannot reorder a stream: kd trains on its batches in the order they come. ' +
        'Shuffle in the source (e.g. shuffle shard order or rows within a buffer) and leave shuffle out.',
    );
  }
  if (options.validation && 'split' in options.validation) {
    throw new KdError(
      'KD_INVALID_ARGUMENT',
      'validation: { split } needs in-memory training data; with a stream, pass held-out data as validation: { x, y }.',
    );
  }
}

/**
 * Validation rows must have the training rows' features; otherwise the student fails on them
 * only after a whole epoch has trained.
 */
function checkValidationWidth(options: DistillOptions<TrainingData>): void {
  const validation = options.validation;
  if (!validation || 'split' in validation || !(validation.x instanceof tf.Tensor)) return;
  const data = options.data as unknown;
  let expected: readonly number[] | undefined;
  if (isStreamingData(data)) expected = Array.isArray(data.featureShape) ? data.featureShape : undefined;
  else if (typeof data === 'object' && data !== null && (data as { x?: unknown }).x instanceof tf.Tensor)
    expected = (data as { x: tf.Tensor }).x.shape.slice(1);
  if (expected === undefined) return;
  const got = validation.x.shape.slice(1);
  if (got.length !== expected.length || got.some((d, i) => d !== expected[i])) {
    throw new KdError(
      'KD_SHAPE_MISMATCH',
      `validation.x has rows shaped [${got.join(', ')}] but the training rows are [${expected.join(', ')}]. ` +
        'Validation data must have the same features as the training data (same columns, same preprocessing).',
      { argument: 'validation.x', shape: validation.x.shape, expected: [...expected] },
    );
  }
}
