import * as tf from '@tensorflow/tfjs-core';
import { KdError } from '../errors/kd-error.js';
import type { KdRuntime } from '../runtime/types.js';
import { ContentHash } from '../util/hash.js';
import { findNonFinite, oneHotClasses, requireWholeNumber } from '../values/index.js';
import { precomputedTeacher } from './precomputed-teacher.js';
import { stratifiedFolds } from './stratified-folds.js';
import type { OutputKind } from '../outputs/output-kind.js';
import { toSpace } from '../outputs/to-space.js';
import { teacher as asTeacher, type Teacher, type TeacherSource } from './teacher.js';
import { fingerprintData } from './teacher-outputs.js';

/** Options for {@link outOfFoldOutputs}. */
export interface OutOfFoldOptions {
  runtime: KdRuntime;
  /** Number of folds k (≥ 2): k teachers are trained, each on k − 1 folds. */
  folds: number;
  /**
   * Trains one teacher on the rows given (the other folds) and returns it (a layers model, a
   * function with `output` declared through {@link teacher}, or any {@link Teacher}). `foldSeed` is
   * `seed · k + fold`. The tensors given are freed when the fold is done: copy them to keep them. A
   * returned model with `dispose()` is disposed once its outputs are read.
   */
  trainTeacher(x: tf.Tensor, y: tf.Tensor, foldSeed: number, fold: number): Promise<TeacherSource> | TeacherSource;
  /** The training rows and labels (0/1, class indices, or one-hot). */
  data: { x: tf.Tensor; y: tf.Tensor };
  /** Seeds the fold assignment and the fold seeds (default 0). */
  seed?: number;
  /**
   * Names the teacher recipe (architecture, epochs, ...). With it the outputs are cached in
   * `runtime.cache` under a key of the id, k, the seed and the data's bytes, and a later call with
   * the same four trains nothing. Without it nothing is cached. Change it when the recipe changes.
   */
  id?: string;
  /** Rows per teacher call (default 256). */
  teacherBatchSize?: number;
}

/** What {@link outOfFoldOutputs} returns. */
export interface OutOfFoldResult {
  /** A precomputed teacher: row i is the output of the fold teacher that never saw row i. */
  teacher: Teacher;
  /** The fold of each row (the fold whose teacher did not train on it). */
  folds: Int32Array;
  /** Logits or probabilities, as the first fold's teacher gave them. */
  kind: OutputKind;
  /** The cache key, when `id` was given. */
  key?: string;
  fromCache: boolean;
}

/**
 * Out-of-fold (cross-fitted) teacher targets. A teacher scoring its own training rows gives targets
 * close to the labels, which teach the student little beyond them; here each row's target comes
 * from a teacher trained on the other folds. Folds are stratified by class. The deployed teacher
 * (or ensemble) is still the caller's, trained on every row: these outputs only serve as the soft
 * targets for the training rows.
 *
 * @example
 * ```ts
 * const oof = await outOfFoldOutputs({
 *   runtime, folds: 5, data: train, seed: 0, id: 'mlp-64-32-e20',
 *   trainTeacher: (x, y, foldSeed) => trainMyTeacher(x, y, foldSeed),
 * });
 * await distill({ runtime, teacher: oof.teacher, student, data: train, temperature: 2 });
 * ```
 */
export async function outOfFoldOutputs(options: OutOfFoldOptions): Promise<OutOfFoldResult> {
  const where = 'outOfFoldOutputs';
  const { runtime, data } = options;
  const seed = options.seed ?? 0;
  if (!Number.isInteger(seed))
    throw new KdError('KD_INVALID_ARGUMENT', `${where}: seed must be an integer, got ${seed}.`, { seed });
  const batchSize = requireWholeNumber('teacherBatchSize', options.teacherBatchSize ?? 256, { min: 1, where });
  if (!(data?.x instanceof tf.Tensor) || !(data.y instanceof tf.Tensor) || data.x.rank < 2)
    throw new KdError('KD_DATA_INVALID', `${where}: data must be { x: [N, ...features], y: [N] or [N, K] } tensors.`);
  const n = data.x.shape[0]!;
  if (data.y.shape[0] !== n)
    throw new KdError(
      'KD_SHAPE_MISMATCH',
      `${where}: x has ${n} rows but y has ${data.y.shape[0]}; give one label per row.`,
      { x: n, y: data.y.shape[0] },
    );
  const k = requireWholeNumber('folds', options.folds, {
    min: 2,
    max: Math.max(2, n),
    where,
    hint: `Each fold's teacher trains on the other folds; use 2 ≤ folds ≤ ${n} (the rows).`,
  });
  if (typeof options.trainTeacher !== 'function')
    throw new KdError('KD_INVALID_ARGUMENT', `${where}: trainTeacher must be a function (x, y, foldSeed) => teacher.`);

  const yValues = await data.y.data();
  const problem = findNonFinite(yValues, { where, name: 'y' });
  if (problem) throw problem;
  const width = data.y.rank === 2 ? data.y.shape[1]! : 1;
  const classes = width > 1 ? oneHotClasses(yValues, width) : yValues;
  const folds = stratifiedFolds(classes, k, seed);

  await runtime.init();
  let key: string | undefined;
  if (options.id !== undefined) {
    const yKey = new ContentHash()
      .update(`${data.y.dtype}:${data.y.shape.join('x')}`)
      .update(yValues)
      .digest();
    key = `oof-${new ContentHash()
      .update(options.id)
      .update(`k=${k}|seed=${seed}`)
      .update(await fingerprintData(data.x))
      .update(yKey)
      .digest()}`;
    const cached = await runtime.cache.get(key);
    if (cached && cached.shape[0] === n) {
      const shape = cached.shape as [number, number];
      return {
        teacher: precomputedTeacher(cached.values, { output: cached.kind, shape, name: `out-of-fold(${options.id})` }),
        folds,
        kind: cached.kind,
        key,
        fromCache: true,
      };
    }
  }

  let values: Float32Array | undefined;
  let units = 0;
  let kind: OutputKind | undefined;
  for (let fold = 0; fold < k; fold++) {
    const inFold: number[] = [];
    const outOfFold: number[] = [];
    for (let i = 0; i < n; i++) (folds[i] === fold ? inFold : outOfFold).push(i);
    const trainX = tf.gather(data.x, outOfFold);
    const trainY = tf.gather(data.y, outOfFold);
    const heldX = tf.gather(data.x, inFold);
    let source: TeacherSource | undefined;
    try {
      source = await options.trainTeacher(trainX, trainY, seed * k + fold, fold);
      const t = asTeacher(source);
      const raw = await t.predictDataset(heldX, {
        batchSize,
        nextTick: () => runtime.nextTick(),
      });
      kind ??= t.output;
      const converted = tf.tidy(() => toSpace(raw, t.output, kind!));
      raw.dispose();
      const part = (await converted.data()) as Float32Array;
      const partUnits = converted.shape[1];
      converted.dispose();
      if (values === undefined) {
        units = partUnits;
        values = new Float32Array(n * units);
      } else if (partUnits !== units) {
        throw new KdError(
          'KD_TEACHER_INVALID',
          `${where}: the teacher of fold ${fold} outputs ${partUnits} units but earlier folds' teachers output ${units}.`,
        );
      }
      const bad = findNonFinite(part, { where, name: `fold ${fold} teacher outputs`, argument: 'trainTeacher' });
      if (bad) throw bad;
      inFold.forEach((row, j) => values!.set(part.subarray(j * units, (j + 1) * units), row * units));
    } finally {
      tf.dispose([trainX, trainY, heldX]);
      (source as { dispose?: () => void } | undefined)?.dispose?.();
    }
  }
  const shape: [number, number] = [n, units];
  if (key !== undefined) await runtime.cache.set(key, { values: Float32Array.from(values!), shape, kind: kind! });
  return {
    teacher: precomputedTeacher(values!, { output: kind!, shape, name: `out-of-fold(${options.id ?? 'teacher'})` }),
    folds,
    kind: kind!,
    ...(key !== undefined ? { key } : {}),
    fromCache: false,
  };
}
