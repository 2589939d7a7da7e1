import * as tf from '@tensorflow/tfjs-core';
import { KdError } from '../errors/kd-error.js';
import type { Teacher } from '../teachers/teacher.js';
import { requireNumberIn } from '../transfer/transfer-checks.js';
import { requireWholeNumber } from '../values/index.js';
import { isStreamingData } from './streaming-data.js';
import type { DistillOptions, TrainingData, TransferMethod, UnlabeledStream } from './types.js';

/** The generators `transfer.method` names, and the options each takes besides `multiple` and `seed`. */
export const TRANSFER_METHOD_OPTIONS: Readonly<Record<TransferMethod, readonly string[]>> = {
  munge: ['p', 's', 'categorical'],
  mixup: ['alpha'],
  noise: ['sd'],
};

/** Whether `u` is a stream of unlabelled rows rather than in-memory `{ x }`. */
export function isUnlabeledStream(u: unknown): u is UnlabeledStream {
  return typeof u === 'object' && u !== null && typeof (u as UnlabeledStream).batches === 'function';
}

/**
 * The checks of `unlabeled`, `transfer` and `transferTeacher` that need no read of any value:
 * made with the other option checks, before the runtime starts. `hasTeacher` is false for
 * trainFromScratch, which has no teacher to label unlabelled rows.
 */
export function checkUnlabeledOptions(options: DistillOptions<TrainingData>, hasTeacher: boolean): void {
  const { unlabeled, transfer, transferTeacher } = options;
  if (unlabeled === undefined && transfer === undefined) {
    if (transferTeacher !== undefined)
      throw new KdError(
        'KD_INVALID_ARGUMENT',
        'transferTeacher labels unlabelled and generated rows, but neither unlabeled nor transfer was given. Pass one of them, or leave transferTeacher out.',
        { argument: 'transferTeacher' },
      );
    return;
  }
  if (!hasTeacher)
    throw new KdError(
      'KD_INVALID_ARGUMENT',
      `${unlabeled !== undefined ? 'unlabeled' : 'transfer'} rows are learnt from the teacher's outputs alone, and trainFromScratch has no teacher. Use distill with a teacher, or leave ${unlabeled !== undefined ? 'unlabeled' : 'transfer'} out.`,
      { argument: unlabeled !== undefined ? 'unlabeled' : 'transfer' },
    );
  const stream = isStreamingData(options.data);
  if (unlabeled !== undefined) checkUnlabeled(options, stream);
  if (transfer !== undefined) checkTransfer(options, stream);
}

function checkUnlabeled(options: DistillOptions<TrainingData>, stream: boolean): void {
  const unlabeled = options.unlabeled as unknown;
  if (stream) {
    if (!isUnlabeledStream(unlabeled))
      throw new KdError(
        'KD_INVALID_ARGUMENT',
        'With a training stream, unlabeled must be a stream too: { batches() } yielding { x } batches (an async generator function works). Put in-memory unlabelled rows in such a stream.',
        { argument: 'unlabeled' },
      );
    return;
  }
  if (isUnlabeledStream(unlabeled))
    throw new KdError(
      'KD_INVALID_ARGUMENT',
      'unlabeled is a stream but the training data is in memory: pass unlabeled as { x: Tensor }, or stream the training data as well (streamingData).',
      { argument: 'unlabeled' },
    );
  const given = unlabeled as { x?: unknown; y?: unknown } | null;
  if (typeof given !== 'object' || given === null || !(given.x instanceof tf.Tensor))
    throw new KdError(
      'KD_DATA_INVALID',
      'unlabeled must be { x: Tensor }: features shaped like the training rows, without labels.',
      { argument: 'unlabeled' },
    );
  if ('y' in given && given.y !== undefined)
    throw new KdError(
      'KD_INVALID_ARGUMENT',
      'unlabeled rows have no labels, but unlabeled.y was given. Rows with labels belong in data; pass unlabeled as { x } only.',
      { argument: 'unlabeled.y' },
    );
  const x = given.x;
  if (x.rank < 2 || x.shape[0] === 0)
    throw new KdError(
      'KD_DATA_INVALID',
      `unlabeled.x must have shape [U, ...features] with U > 0; got [${x.shape.join(', ')}].`,
      { argument: 'unlabeled.x', shape: x.shape },
    );
  const expected: number[] = (options.data as { x: tf.Tensor }).x.shape.slice(1);
  const got: number[] = x.shape.slice(1);
  if (got.length !== expected.length || got.some((d, i) => d !== expected[i]))
    throw new KdError(
      'KD_SHAPE_MISMATCH',
      `unlabeled.x has rows shaped [${got.join(', ')}] but the training rows are [${expected.join(', ')}]. Unlabelled rows need the training rows' features (same columns, same preprocessing).`,
      { argument: 'unlabeled.x', shape: x.shape, expected },
    );
}

function checkTransfer(options: DistillOptions<TrainingData>, stream: boolean): void {
  const where = 'transfer';
  const t = options.transfer as unknown as Record<string, unknown> | null;
  if (typeof t !== 'object' || t === null)
    throw new KdError('KD_INVALID_ARGUMENT', "transfer must be an object such as { method: 'mixup', multiple: 2 }.", {
      argument: 'transfer',
    });
  const methods = Object.keys(TRANSFER_METHOD_OPTIONS);
  const method = t.method as TransferMethod;
  if (typeof method !== 'string' || !methods.includes(method))
    throw new KdError(
      'KD_INVALID_ARGUMENT',
      `transfer.method is ${JSON.stringify(t.method)}; it must be one of ${methods.map((m) => `'${m}'`).join(', ')}.`,
      { argument: 'transfer.method', value: t.method },
    );
  requireWholeNumber('multiple', t.multiple, {
    min: 1,
    where,
    hint: 'The transfer set holds multiple × N rows, N the training rows.',
  });
  if (t.seed !== undefined && !Number.isInteger(t.seed))
    throw new KdError('KD_INVALID_ARGUMENT', `transfer: seed must be an integer; got ${String(t.seed)}.`, {
      argument: 'transfer.seed',
      value: t.seed,
    });
  const allowed = new Set(['method', 'multiple', 'seed', ...TRANSFER_METHOD_OPTIONS[method]]);
  const unknown = Object.keys(t).filter((k) => !allowed.has(k) && t[k] !== undefined);
  if (unknown.length > 0)
    throw new KdError(
      'KD_INVALID_ARGUMENT',
      `transfer: ${unknown.join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not an option of '${method}', which takes multiple, seed${TRANSFER_METHOD_OPTIONS[method].map((o) => `, ${o}`).join('')}.`,
      { argument: 'transfer', unknown },
    );
  // The generators' own rules, checked now rather than when preparation reaches them.
  if (method === 'munge') {
    if (stream)
      throw new KdError(
        'KD_INVALID_ARGUMENT',
        "transfer method 'munge' looks for each row's nearest neighbour among all training rows, which a stream never holds at once. Use 'mixup' or 'noise' (applied to each streamed batch), or load the data in memory.",
        { argument: 'transfer.method', value: method },
      );
    if (t.p !== undefined) requireNumberIn(where, 'p', t.p as number, 0, 1);
    if (t.s !== undefined) requireNumberIn(where, 's', t.s as number, 0, Infinity, true);
    const x = (options.data as { x: tf.Tensor }).x;
    if (x.rank !== 2)
      throw new KdError(
        'KD_DATA_INVALID',
        `transfer: 'munge' takes tabular rows [N, features], but the training rows are [${x.shape.join(', ')}]. Use 'mixup' or 'noise' for images.`,
        { argument: 'transfer.method', shape: x.shape },
      );
    const width = x.shape[1]!;
    if (t.categorical !== undefined) {
      const columns = t.categorical;
      if (!Array.isArray(columns) || columns.some((c) => !Number.isInteger(c) || c < 0 || c >= width))
        throw new KdError(
          'KD_INVALID_ARGUMENT',
          `transfer: categorical must list column indices in [0, ${width - 1}]; got ${JSON.stringify(columns)}.`,
          { argument: 'transfer.categorical', value: columns },
        );
    }
  }
  if (method === 'mixup' && t.alpha !== undefined)
    requireNumberIn(where, 'alpha', t.alpha as number, 0, Infinity, true);
  if (method === 'noise' && t.sd !== undefined) requireNumberIn(where, 'sd', t.sd as number, 0, Infinity);
}

/**
 * The teacher checks that need the teacher objects: a teacher that answers by row position
 * (precomputed outputs) has nothing for unlabelled or generated rows, so those need a
 * transferTeacher; and no teacher of that kind can follow a stream.
 */
export function checkTransferTeachers(
  options: DistillOptions<TrainingData>,
  teacher: Teacher,
  transferTeacher: Teacher | undefined,
): void {
  if (options.unlabeled === undefined && options.transfer === undefined) return;
  const what = options.unlabeled !== undefined ? 'unlabeled' : 'transfer';
  if (teacher.byRowPosition && !transferTeacher)
    throw new KdError(
      'KD_TEACHER_INVALID',
      `Teacher "${teacher.name}" answers by row position (precomputed outputs: row i is the target of training row i), so it has no outputs for the ${what} rows. Pass transferTeacher: the teacher (e.g. the full ensemble) that labels them.`,
      { argument: 'transferTeacher' },
    );
  if (transferTeacher?.byRowPosition && isStreamingData(options.data))
    throw new KdError(
      'KD_TEACHER_INVALID',
      `transferTeacher "${transferTeacher.name}" answers by row position (precomputed outputs), which cannot follow streamed batches. Use a model or function teacher.`,
      { argument: 'transferTeacher' },
    );
}
