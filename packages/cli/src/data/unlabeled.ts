import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { isKdError, KdError } from '@kd/core';
import { readCsvFeatures, readIdx, readImages, readJsonLinesFeatures } from '@kd/node';
import { dataFormat } from './dataset.js';
import type { DataOptions, PreparedData } from './prepare-data.js';
import { applyPreprocessing } from './preprocessing.js';

/** Rows without labels (`--unlabeled`), read and preprocessed like the training rows. */
export interface UnlabeledRows {
  /** Row-major features, `rows × product(featureShape)`, after the training rows' preprocessing. */
  x: Float32Array;
  rows: number;
  featureShape: number[];
  /** The file's name only (no folders), as metrics.json records it. */
  file: string;
}

/**
 * Reads `--unlabeled FILE` in the format of `--data` with the same reader settings (feature
 * columns, delimiter, image size), then applies the preprocessing fitted on the training rows
 * (never refitted on these rows). A CSV's label column may be absent, empty or filled: it is not
 * read, and a filled one gets a note. Rows that do not have the training rows' shape are refused
 * with `KD_SHAPE_MISMATCH`, before any training.
 */
export async function readUnlabeled(
  file: string,
  data: PreparedData,
  options: DataOptions,
  note: (message: string) => void,
): Promise<UnlabeledRows> {
  const format = unlabeledFormat(file);
  const p = data.preprocessing;
  const training = p.source;
  if (format !== training)
    throw new KdError(
      'KD_DATA_INVALID',
      `--unlabeled ${file} is ${describeFormat(format)} but --data ${options.data} is ${describeFormat(training)}. Give the rows without labels in the format of the training data.`,
      { path: file },
    );
  let x: tf.Tensor;
  if (format === 'csv' || format === 'jsonl') {
    const features = p.features!;
    if (format === 'csv') {
      const tsv = file.toLowerCase().replace(/\.gz$/, '').endsWith('.tsv');
      const read = await readCsvFeatures(file, { features, ...(tsv ? { delimiter: '\t' } : {}) }).catch(
        (error: unknown) => {
          throw missingColumn(error, file, features) ?? error;
        },
      );
      x = read.x;
      if (options.label !== undefined && read.columns.includes(options.label))
        note(
          `--unlabeled ${basename(file)} has the label column "${options.label}": its values are not read (the teachers label these rows)`,
        );
    } else {
      // JSON lines: the training rows' feature keys (--features), each holding the same number of values.
      x = (await readJsonLinesFeatures(file, { features: options.features! })).x;
    }
  } else if (format === 'idx') {
    const images = await readIdx(file);
    if (images.shape.length < 2)
      throw new KdError(
        'KD_DATA_INVALID',
        `--unlabeled ${file} holds values of shape [${images.shape.join(', ')}], not images [N, H, W]. Give an IDX image file.`,
        { path: file },
      );
    // As readIdxDataset reads --data: scaled by 1/255 (uint8) and with a channel axis.
    const scale = images.type === 'uint8' ? 1 / 255 : 1;
    x = tf.tensor(
      Float32Array.from(images.values, (v) => v * scale),
      [...images.shape, 1],
      'float32',
    );
  } else {
    const image = p.image!;
    x = (await readImages(file, { size: [image.height, image.width] })).x;
  }
  try {
    const featureShape = x.shape.slice(1);
    if (featureShape.join() !== p.inputShape.join())
      throw new KdError(
        'KD_SHAPE_MISMATCH',
        `--unlabeled ${file} rows have shape [${featureShape.join(', ')}] but the training rows have [${p.inputShape.join(', ')}]. Give rows with the training data's features.`,
        { path: file, expected: p.inputShape, got: featureShape },
      );
    // One read, at load time: not in a training loop.
    const values = x.dataSync() as Float32Array;
    return {
      x: applyPreprocessing(p, values instanceof Float32Array ? values : Float32Array.from(values)),
      rows: x.shape[0]!,
      featureShape,
      file: basename(file),
    };
  } finally {
    x.dispose();
  }
}

/** The format of an `--unlabeled` path, with a message that names the flag when it is missing. */
export function unlabeledFormat(file: string): ReturnType<typeof dataFormat> {
  if (!existsSync(file))
    throw new KdError('KD_DATA_INVALID', `--unlabeled ${file} does not exist. Check the path.`, { path: file });
  return dataFormat(file);
}

/** The reader's "no such column" (a header without one of the features), in the command's terms. */
function missingColumn(error: unknown, file: string, features: string[]): KdError | undefined {
  const details = isKdError(error, 'KD_DATA_INVALID')
    ? (error.details as { column?: unknown; line?: unknown })
    : undefined;
  if (details?.column === undefined || details.line !== undefined) return undefined;
  return new KdError(
    'KD_SHAPE_MISMATCH',
    `--unlabeled ${file} has no column ${JSON.stringify(details.column)}, a feature of the training rows (${features.join(', ')}). Give rows with the training data's feature columns.`,
    { path: file, expected: features, missing: details.column },
    { cause: error },
  );
}

function describeFormat(format: string): string {
  return format === 'csv'
    ? 'a CSV file'
    : format === 'jsonl'
      ? 'JSON lines'
      : format === 'idx'
        ? 'an IDX image file'
        : 'an image folder';
}
