import * as tf from '@tensorflow/tfjs-core';
import { KdError } from '../errors/kd-error.js';
import { ContentHash } from '../util/hash.js';
import type { OutputKind } from '../outputs/output-kind.js';
import type { PredictDatasetOptions, Teacher } from './teacher.js';

/** Options for {@link precomputedTeacher}. */
export interface PrecomputedTeacherOptions {
  output: OutputKind;
  /** Row count and units when `values` is a flat array. */
  shape?: [number, number];
  name?: string;
}

/**
 * A teacher whose outputs were computed earlier (another process, a Python model, a cache):
 * row i is the teacher's output for row i of the training data. With `validation: { split }`,
 * give one output per row of `data`, the held-out rows included; training uses those of its rows.
 *
 * @example
 * ```ts
 * const t = precomputedTeacher(new Float32Array([0.2, 0.9, 0.7]), { output: 'probabilities', shape: [3, 1] });
 * ```
 */
export function precomputedTeacher(
  values: tf.Tensor | Float32Array | number[] | number[][],
  options: PrecomputedTeacherOptions,
): Teacher {
  if (values instanceof tf.Tensor && values.rank !== 1 && values.rank !== 2) throw badShape(values.shape);
  // A tensor is read once, asynchronously, when first needed (keep it alive until training starts).
  let pending: Promise<Flat> | undefined =
    values instanceof tf.Tensor ? undefined : Promise.resolve(toFlat(values, options.shape));
  const flatValues = () => (pending ??= readTensor(values as tf.Tensor));
  return {
    name: options.name ?? 'precomputed',
    output: options.output,
    byRowPosition: true,
    async predictDataset(x: tf.Tensor, _options: PredictDatasetOptions): Promise<tf.Tensor2D> {
      const flat = await flatValues();
      if (x.shape[0] !== flat.shape[0]) {
        throw new KdError(
          'KD_SHAPE_MISMATCH',
          `Precomputed teacher outputs have ${flat.shape[0]} rows but the data has ${x.shape[0]}. Give one output row per data row, in the same order.`,
          { outputs: flat.shape[0], data: x.shape[0] },
        );
      }
      return tf.tensor2d(flat.values, flat.shape);
    },
    async cacheKey() {
      const flat = await flatValues();
      return `pre-${new ContentHash().update(flat.shape.join('x')).update(flat.values).digest()}`;
    },
  };
}

interface Flat {
  values: Float32Array;
  shape: [number, number];
}

async function readTensor(values: tf.Tensor): Promise<Flat> {
  if (values.rank !== 1 && values.rank !== 2) throw badShape(values.shape);
  const rows = values.shape[0]!;
  return { values: Float32Array.from(await values.data()), shape: [rows, values.rank === 2 ? values.shape[1]! : 1] };
}

function toFlat(values: Float32Array | number[] | number[][], shape?: [number, number]): Flat {
  if (Array.isArray(values) && Array.isArray(values[0])) {
    const rows = values as number[][];
    const units = rows[0]!.length;
    if (rows.some((r) => r.length !== units))
      throw new KdError(
        'KD_SHAPE_MISMATCH',
        'Precomputed teacher rows have different lengths; every row needs the same number of units.',
      );
    return { values: Float32Array.from(rows.flat()), shape: [rows.length, units] };
  }
  const flat = Float32Array.from(values as ArrayLike<number>);
  const s = shape ?? [flat.length, 1];
  if (s[0] * s[1] !== flat.length)
    throw new KdError(
      'KD_SHAPE_MISMATCH',
      `Precomputed teacher shape [${s.join(', ')}] needs ${s[0] * s[1]} values, got ${flat.length}.`,
    );
  return { values: flat, shape: s };
}

function badShape(shape: number[]): KdError {
  return new KdError(
    'KD_SHAPE_MISMATCH',
    `Precomputed teacher outputs must be [N] or [N, units], got [${shape.join(', ')}].`,
    { shape },
  );
}
