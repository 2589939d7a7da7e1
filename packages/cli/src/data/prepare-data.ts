import { existsSync } from 'node:fs';
import { resolve, basename } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { KdError } from '@kd/core';
import { countClasses, readDataset, takeRows, type Dataset } from './dataset.js';
import { sha256OfPath } from './file-hash.js';
import { rowsSha256 } from './rows-hash.js';
import { applyPreprocessing, preprocessingFor, type Preprocessing } from './preprocessing.js';
import { stratifiedSplit } from './split.js';

/** Data options shared by every command that trains (the `--data` group of flags). */
export interface DataOptions {
  data: string;
  label?: string;
  features?: string[];
  classes?: string[];
  imageSize?: [number, number];
  validation?: number;
  test?: number;
  validationData?: string;
  validationLabel?: string;
  testData?: string;
  testLabel?: string;
  standardize?: boolean;
  seed?: number;
}

/** Train / validation / test splits, preprocessed, with what is needed to reproduce them. */
export interface PreparedData {
  train: Dataset;
  validation: Dataset;
  test: Dataset;
  preprocessing: Preprocessing;
  numClasses: number;
  sha256: string;
  /** SHA-256 of the training split's rows before preprocessing ({@link rowsSha256}): which rows a model trained on. */
  trainRowsSha256: string;
}

/**
 * Reads the data, splits it (stratified and seeded, or from the separate files), computes the
 * standardisation on the training split and applies it to all three. The runtime must be up.
 *
 * @example
 * ```ts
 * const data = await prepareData({ data: 'train.csv', label: 'y', validation: 0.2, test: 0.2, standardize: true });
 * ```
 */
export async function prepareData(options: DataOptions): Promise<PreparedData> {
  const spec = {
    ...(options.features ? { features: options.features } : {}),
    ...(options.classes ? { classes: options.classes } : {}),
    ...(options.imageSize ? { imageSize: options.imageSize } : {}),
  };
  const all = await readDataset({ ...spec, data: options.data, ...(options.label ? { label: options.label } : {}) });
  const separate = async (file: string | undefined, label: string | undefined): Promise<Dataset | undefined> => {
    if (!file) return undefined;
    const d = await readDataset({
      ...spec,
      data: file,
      ...((label ?? options.label) ? { label: (label ?? options.label)! } : {}),
    });
    if (d.featureShape.join() !== all.featureShape.join())
      throw new KdError(
        'KD_SHAPE_MISMATCH',
        `${file} rows have shape [${d.featureShape.join(', ')}] but ${options.data} rows have [${all.featureShape.join(', ')}]. Use files with the same columns.`,
      );
    return d;
  };
  const validationFile = await separate(options.validationData, options.validationLabel);
  const testFile = await separate(options.testData, options.testLabel);
  const split = stratifiedSplit(all.y, {
    validation: validationFile ? 0 : (options.validation ?? 0.2),
    test: testFile ? 0 : (options.test ?? 0.2),
    seed: options.seed ?? 0,
  });
  const train = takeRows(all, split.train);
  const validation = validationFile ?? takeRows(all, split.validation);
  const test = testFile ?? takeRows(all, split.test);
  if (validation.rows === 0 || test.rows === 0)
    throw new KdError(
      'KD_DATA_INVALID',
      `${options.data} has too few rows for a ${validation.rows === 0 ? 'validation' : 'test'} split (${all.rows} rows). Give more rows, a larger fraction, or a separate file.`,
      { rows: all.rows },
    );
  const numClasses = countClasses([train, validation, test], options.data);
  const preprocessing = preprocessingFor(train, {
    standardize: options.standardize ?? false,
    // For IDX the label is a file: keep its name only, so no machine path ships with the student.
    label: options.label === undefined ? null : train.format === 'idx' ? basename(options.label) : options.label,
    numClasses,
  });
  const apply = (d: Dataset): Dataset => ({ ...d, x: applyPreprocessing(preprocessing, d.x) });
  return {
    train: apply(train),
    validation: apply(validation),
    test: apply(test),
    preprocessing,
    numClasses,
    sha256: await sha256OfPath(options.data),
    trainRowsSha256: rowsSha256(train),
  };
}

/** A data set as the tensors `distill` takes; the caller disposes them. */
export function toTensors(d: Dataset): { x: tf.Tensor; y: tf.Tensor1D } {
  return { x: tf.tensor(d.x, [d.rows, ...d.featureShape], 'float32'), y: tf.tensor1d(d.y, 'float32') };
}

/** The data options alone, with file paths made absolute: enough to rebuild the same splits later. */
export function dataOptionsOf(options: DataOptions): DataOptions {
  const abs = (p: string | undefined) => (p === undefined ? undefined : resolve(p));
  const isFile = (p: string | undefined) => p !== undefined && existsSync(p);
  const picked: DataOptions = {
    data: resolve(options.data),
    ...(options.label !== undefined ? { label: isFile(options.label) ? abs(options.label)! : options.label } : {}),
    ...(options.features ? { features: options.features } : {}),
    ...(options.classes ? { classes: options.classes } : {}),
    ...(options.imageSize ? { imageSize: options.imageSize } : {}),
    validation: options.validation ?? 0.2,
    test: options.test ?? 0.2,
    ...(options.validationData ? { validationData: abs(options.validationData)! } : {}),
    ...(options.validationLabel ? { validationLabel: abs(options.validationLabel)! } : {}),
    ...(options.testData ? { testData: abs(options.testData)! } : {}),
    ...(options.testLabel ? { testLabel: abs(options.testLabel)! } : {}),
    standardize: options.standardize ?? false,
    seed: options.seed ?? 0,
  };
  return picked;
}
