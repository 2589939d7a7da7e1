import * as tf from '@tensorflow/tfjs-core';
import { KdError } from '../errors/kd-error.js';
import { fingerprintValues } from '../teachers/teacher-outputs.js';
import {
  findBinaryLabelProblem,
  findClassIndexProblem,
  findNonFinite,
  findOneHotProblem,
  findSampleWeightProblem,
  oneHotClasses,
} from '../values/index.js';
import type { LabeledData, ValidationOption } from './types.js';

/** Training data as the loop uses it: targets already one-hot (multi-class) or [N, 1] (binary). */
export interface PreparedData {
  x: tf.Tensor;
  /** Binary: [N, 1] float 0/1. Multi-class: [N, K] one-hot. */
  y: tf.Tensor2D;
  /** The labels as integers on the CPU, for metrics. */
  labels: Int32Array;
  sampleWeight?: tf.Tensor1D;
  rows: number;
  /** Tensors created here, disposed when training ends. */
  owned: tf.Tensor[];
  /** {@link fingerprintData} of x, when asked for: computed from the features this check read anyway. */
  fingerprint?: string;
}

/**
 * Checks and normalises user data before anything trains: shapes, label values, finiteness.
 * Labels follow the losses' rules: 0/1, class indices, or one-hot rows; soft label rows are
 * refused (`KD_LABEL_RANGE`), since soft targets are the teacher's part.
 * Reads the labels and features once, asynchronously (never in the training loop).
 */
export async function prepareLabeled(
  data: LabeledData,
  classes: number,
  what: string,
  options: { fingerprint?: boolean } = {},
): Promise<PreparedData> {
  checkLabeledShapes(data, classes, what);
  const { x, y } = data;
  const rows = x.shape[0]!;

  const features = await x.data();
  fail(findNonFinite(features, { name: `${what}.x` }, 'Clean or impute the features first.'));

  // The label rules are the losses' and the metrics' (values/labels.ts): 0/1, class indices, or one-hot rows.
  const raw = await y.data();
  const labelSource = { name: `${what}.y` };
  fail(findNonFinite(raw, labelSource));
  let labels: Int32Array;
  if (classes === 1) {
    fail(findBinaryLabelProblem(raw, labelSource));
    labels = Int32Array.from(raw);
  } else if (y.rank === 1) {
    fail(findClassIndexProblem(raw, classes, labelSource));
    labels = Int32Array.from(raw);
  } else {
    fail(findOneHotProblem(raw, classes, labelSource));
    labels = oneHotClasses(raw, classes);
  }

  if (data.sampleWeight) {
    fail(findSampleWeightProblem(await data.sampleWeight.data(), { name: `${what}.sampleWeight` }));
  }
  const { y: target, sampleWeight, owned } = labeledTargets(data, classes);
  return {
    x,
    y: target,
    labels,
    ...(sampleWeight ? { sampleWeight } : {}),
    rows,
    owned,
    ...(options.fingerprint ? { fingerprint: fingerprintOf(x, features) } : {}),
  };
}

/**
 * Fingerprints of feature tensors already hashed. A tensor's values never change (a Variable's
 * can, so those are hashed every time), and hashing tens of MB on every run of an α search that
 * reuses one data set would repeat the same work for every run.
 */
const fingerprints = new WeakMap<tf.Tensor, string>();

export function fingerprintOf(x: tf.Tensor, features: ArrayBufferView): string {
  if (x instanceof tf.Variable) return fingerprintValues(x, features);
  let known = fingerprints.get(x);
  if (known === undefined) {
    known = fingerprintValues(x, features);
    fingerprints.set(x, known);
  }
  return known;
}

function fail(problem: KdError | undefined): void {
  if (problem !== undefined) throw problem;
}

/**
 * The checks of {@link prepareLabeled} that need no read of the values: tensors given, x is
 * [N, ...features] with N > 0, one label (row of labels) and one weight per row, labels shaped for
 * the student's `classes` output units.
 */
export function checkLabeledShapes(data: LabeledData, classes: number, what: string): void {
  if (!data || !(data.x instanceof tf.Tensor) || !(data.y instanceof tf.Tensor)) {
    throw new KdError('KD_DATA_INVALID', `${what} must be { x: Tensor, y: Tensor }.`);
  }
  const { x, y } = data;
  const rows = x.shape[0] ?? 0;
  if (x.rank < 2 || rows === 0)
    throw new KdError(
      'KD_DATA_INVALID',
      `${what}.x must have shape [N, ...features] with N > 0; got [${x.shape.join(', ')}].`,
      { shape: x.shape },
    );
  if (y.shape[0] !== rows)
    throw new KdError(
      'KD_SHAPE_MISMATCH',
      `${what}.x has ${rows} rows but ${what}.y has ${y.shape[0]}. Give one label per row.`,
      { x: x.shape, y: y.shape },
    );
  if (classes === 1) {
    const ok = y.rank === 1 || (y.rank === 2 && y.shape[1] === 1);
    if (!ok)
      throw new KdError(
        'KD_SHAPE_MISMATCH',
        `The student has one output unit (binary), so ${what}.y must be [N] or [N, 1]; got [${y.shape.join(', ')}].`,
        { y: y.shape },
      );
  } else if (!(y.rank === 1 || (y.rank === 2 && y.shape[1] === classes))) {
    throw new KdError(
      'KD_SHAPE_MISMATCH',
      `The student has ${classes} output units, so ${what}.y must be int labels [N] or one-hot [N, ${classes}]; got [${y.shape.join(', ')}].`,
      { y: y.shape },
    );
  }
  const w = data.sampleWeight;
  if (
    w !== undefined &&
    (!(w instanceof tf.Tensor) || w.size !== rows || (w.rank !== 1 && !(w.rank === 2 && w.shape[1] === 1)))
  ) {
    throw new KdError(
      'KD_SHAPE_MISMATCH',
      `${what}.sampleWeight must be [N] with N = ${rows}; got ${w instanceof tf.Tensor ? `[${w.shape.join(', ')}]` : typeof w}.`,
    );
  }
}

/**
 * The loss's targets for data that {@link prepareLabeled} has accepted: labels as [N, 1] (binary)
 * or one-hot [N, K], weights as [N] float32. Tensor ops only, no reads, so it can run per batch
 * of a stream whose values were checked in the pass before training.
 */
export function labeledTargets(
  data: LabeledData,
  classes: number,
): { y: tf.Tensor2D; sampleWeight?: tf.Tensor1D; owned: tf.Tensor[] } {
  const { y } = data;
  const rows = y.shape[0]!;
  const target = tf.tidy(() => {
    if (classes === 1) return tf.reshape(tf.cast(y, 'float32'), [rows, 1]) as tf.Tensor2D;
    if (y.rank === 1) return tf.cast(tf.oneHot(tf.cast(y, 'int32'), classes), 'float32') as tf.Tensor2D;
    return tf.cast(y, 'float32') as tf.Tensor2D;
  });
  const owned: tf.Tensor[] = [target];
  let sampleWeight: tf.Tensor1D | undefined;
  if (data.sampleWeight) {
    const w = data.sampleWeight;
    sampleWeight = tf.tidy(() => tf.reshape(tf.cast(w, 'float32'), [rows])) as tf.Tensor1D;
    owned.push(sampleWeight);
  }
  return { y: target, ...(sampleWeight ? { sampleWeight } : {}), owned };
}

/** Splits off validation rows from the end of the training data (Keras's convention: before shuffling). */
export function splitValidation(
  data: LabeledData,
  validation: ValidationOption | undefined,
): { train: LabeledData; validation?: LabeledData; owned: tf.Tensor[] } {
  if (!validation) return { train: data, owned: [] };
  if (!('split' in validation)) return { train: data, validation, owned: [] };
  const { split } = validation;
  const rows = data.x.shape[0] ?? 0;
  const nVal = Math.round(rows * split);
  if (!(split > 0 && split < 1) || nVal < 1 || nVal >= rows) {
    throw new KdError(
      'KD_INVALID_ARGUMENT',
      `validation.split must be in (0, 1) and leave at least one row on each side; got ${split} for ${rows} rows.`,
      { split },
    );
  }
  const nTrain = rows - nVal;
  const part = (t: tf.Tensor, start: number, size: number) => tf.slice(t, start, size);
  const owned: tf.Tensor[] = [];
  const take = (t: tf.Tensor, start: number, size: number) => {
    const s = part(t, start, size);
    owned.push(s);
    return s;
  };
  const train: LabeledData = { x: take(data.x, 0, nTrain), y: take(data.y, 0, nTrain) };
  const val: LabeledData = { x: take(data.x, nTrain, nVal), y: take(data.y, nTrain, nVal) };
  if (data.sampleWeight) {
    train.sampleWeight = take(data.sampleWeight, 0, nTrain);
    val.sampleWeight = take(data.sampleWeight, nTrain, nVal);
  }
  return { train, validation: val, owned };
}
