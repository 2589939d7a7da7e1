import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { KdError, type Preprocessing } from '@kd/core';
import { parsePreprocessing, PREPROCESSING_FILE, PREPROCESSING_VERSION } from '@kd/core/internal';
import type { Dataset } from './dataset.js';

// The format is defined once, in @kd/core, and shared with the browser's loader.
export { PREPROCESSING_FILE, type Preprocessing };

/** The preprocessing for a training split; with `standardize`, means and stds are computed on it. */
export function preprocessingFor(
  train: Dataset,
  options: { standardize: boolean; label: string | null; numClasses: number },
): Preprocessing {
  const width = train.x.length / train.rows;
  let standardize: Preprocessing['standardize'] = null;
  if (options.standardize) {
    const mean = new Float64Array(width);
    const sq = new Float64Array(width);
    for (let r = 0; r < train.rows; r++) for (let f = 0; f < width; f++) mean[f]! += train.x[r * width + f]!;
    for (let f = 0; f < width; f++) mean[f]! /= train.rows;
    for (let r = 0; r < train.rows; r++)
      for (let f = 0; f < width; f++) sq[f]! += (train.x[r * width + f]! - mean[f]!) ** 2;
    // A constant feature has std 0; dividing by 1 keeps it at 0 instead of NaN.
    const std = Array.from(sq, (s) => Math.sqrt(s / train.rows) || 1);
    standardize = { mean: Array.from(mean), std };
  }
  const shape = train.featureShape;
  return {
    format: 'kd-preprocessing',
    version: PREPROCESSING_VERSION,
    source: train.format,
    features: train.featureNames,
    label: options.label,
    classes: train.classes,
    numClasses: options.numClasses,
    inputShape: shape,
    image:
      shape.length === 3 ? { height: shape[0]!, width: shape[1]!, channels: shape[2]!, scale: train.scale ?? 1 } : null,
    standardize,
  };
}

/** Applies the standardisation of `p` to reader values (in place on a copy). */
export function applyPreprocessing(p: Preprocessing, x: Float32Array): Float32Array {
  if (!p.standardize) return x;
  const { mean, std } = p.standardize;
  const width = mean.length;
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = (x[i]! - mean[i % width]!) / std[i % width]!;
  return out;
}

/** Checks that data has the columns, in the order, a model was trained on. */
export function checkCompatible(p: Preprocessing, data: Dataset, where: string): void {
  const same = (a: readonly unknown[], b: readonly unknown[]) => a.length === b.length && a.every((v, i) => v === b[i]);
  if (p.features && data.featureNames && !same(p.features, data.featureNames))
    throw new KdError(
      'KD_DATA_INVALID',
      `${where} was trained on the features [${p.features.join(', ')}] but the data has ` +
        `[${data.featureNames.join(', ')}]. Pass --features ${p.features.join(',')}.`,
      { expected: p.features, got: data.featureNames },
    );
  if (!same(p.inputShape, data.featureShape))
    throw new KdError(
      'KD_SHAPE_MISMATCH',
      `${where} takes inputs of shape [${p.inputShape.join(', ')}] but the data rows have shape [${data.featureShape.join(', ')}].`,
      { expected: p.inputShape, got: data.featureShape },
    );
}

/** Reads `preprocessing.json` from a model folder; undefined when the folder has none. */
export async function readPreprocessing(dir: string): Promise<Preprocessing | undefined> {
  const file = join(dir, PREPROCESSING_FILE);
  const fix = 'Restore it from the run folder.';
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new KdError(
      'KD_DATA_INVALID',
      `${file} is not a kd preprocessing file (${(cause as Error).message}). ${fix}`,
      { dir },
      { cause },
    );
  }
  return parsePreprocessing(value, file, fix);
}
