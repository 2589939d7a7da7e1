import * as tf from '@tensorflow/tfjs-core';
import { KdError } from '../errors/kd-error.js';
import { cachedOutputsProblem } from '../runtime/cached-outputs-check.js';
import type { CachedTeacherOutputs, KdRuntime } from '../runtime/types.js';
import { findNonFinite, findProbabilityProblem } from '../values/index.js';
import { ContentHash } from '../util/hash.js';
import type { OutputKind } from '../outputs/output-kind.js';
import type { Teacher } from './teacher.js';

/** A teacher's outputs for a whole data set, computed once and reused. */
export interface TeacherOutputs {
  /** [N, units], of kind `kind`. Owned by the caller: dispose when done. */
  values: tf.Tensor2D;
  kind: OutputKind;
  /** The cache key they were stored under. */
  key: string;
  /** Whether they came from the runtime's cache rather than the teacher. */
  fromCache: boolean;
}

/** Hash of a feature tensor's shape and bytes, to key caches by data set. */
export async function fingerprintData(x: tf.Tensor): Promise<string> {
  return fingerprintValues(x, await x.data());
}

/** {@link fingerprintData} of values already read from `x`, so checking and keying read the device once. */
export function fingerprintValues(x: { dtype: string; shape: number[] }, values: ArrayBufferView): string {
  return new ContentHash()
    .update(`${x.dtype}:${x.shape.join('x')}`)
    .update(values)
    .digest();
}

/** Options for {@link computeTeacherOutputs}. */
export interface ComputeTeacherOutputsOptions {
  /** Rows per teacher call (default 256). */
  batchSize?: number;
  /**
   * The teacher's `cacheKey()`, when the caller already has it: computing it hashes the teacher's
   * weights, which is worth doing once per run rather than once per batch of a stream.
   */
  teacherKey?: string;
  /** {@link fingerprintData} of `x`, when the caller has already read x (it saves a second read). */
  dataKey?: string;
}

/** The cache key of a teacher's outputs for `x`: the teacher's key and a hash of x's shape and bytes. */
export async function teacherOutputsKey(
  t: Teacher,
  x: tf.Tensor,
  teacherKey?: string,
  dataKey?: string,
): Promise<string> {
  return `${teacherKey ?? (await t.cacheKey())}|${dataKey ?? (await fingerprintData(x))}`;
}

/**
 * The outputs stored under `key` in `runtime.cache`, if they fit the teacher and `rows`; else
 * undefined. A hit is checked like a fresh teacher output (well-formed, finite, probabilities in
 * [0, 1]); an entry that fails is deleted and reported as a miss, so the caller recomputes it:
 * the cache holds derived data and never stops a run.
 */
export async function cachedTeacherOutputs(
  runtime: KdRuntime,
  t: Teacher,
  key: string,
  rows: number,
): Promise<TeacherOutputs | undefined> {
  const cached: CachedTeacherOutputs | undefined = await runtime.cache.get(key);
  if (!cached) return undefined;
  if (cachedOutputsProblem(cached) !== undefined || cached.shape.length !== 2 || outputsProblem(cached.values, t)) {
    await runtime.cache.delete(key);
    return undefined;
  }
  // Another teacher kind or row count under the same key: a miss, and the recomputed outputs replace it.
  if (cached.kind !== t.output || cached.shape[0] !== rows) return undefined;
  return {
    values: tf.tensor2d(cached.values, cached.shape as [number, number]),
    kind: cached.kind,
    key,
    fromCache: true,
  };
}

/**
 * Computes (or loads from `runtime.cache`) a teacher's outputs for every row of `x`, and checks
 * them before training uses them: finite values, probabilities within [0, 1].
 *
 * @example
 * ```ts
 * const out = await computeTeacherOutputs(runtime, teacher(model), xTrain);
 * console.log(out.fromCache, out.values.shape);
 * out.values.dispose();
 * ```
 */
export async function computeTeacherOutputs(
  runtime: KdRuntime,
  t: Teacher,
  x: tf.Tensor,
  options: ComputeTeacherOutputsOptions = {},
): Promise<TeacherOutputs> {
  const key = await teacherOutputsKey(t, x, options.teacherKey, options.dataKey);
  const cached = await cachedTeacherOutputs(runtime, t, key, x.shape[0]!);
  if (cached) return cached;
  const values = await t.predictDataset(x, {
    batchSize: options.batchSize ?? 256,
    nextTick: () => runtime.nextTick(),
  });
  const data = (await values.data()) as Float32Array;
  try {
    checkOutputs(data, t);
  } catch (e) {
    values.dispose();
    throw e;
  }
  await runtime.cache.set(key, { values: Float32Array.from(data), shape: values.shape, kind: t.output });
  return { values, kind: t.output, key, fromCache: false };
}

function checkOutputs(data: ArrayLike<number>, t: Teacher): void {
  const problem = outputsProblem(data, t);
  if (problem !== undefined) throw problem;
}

/** The first reason training cannot use these outputs (non-finite, or a probability outside [0, 1]), if any. */
function outputsProblem(data: ArrayLike<number>, t: Teacher): KdError | undefined {
  const source = { name: `Teacher "${t.name}" outputs`, argument: 'teacher' };
  return (
    findNonFinite(data, source, 'Check the teacher and its input scaling.') ??
    (t.output === 'probabilities'
      ? findProbabilityProblem(data, source, "if the teacher outputs logits, declare { output: 'logits' }.")
      : undefined)
  );
}
