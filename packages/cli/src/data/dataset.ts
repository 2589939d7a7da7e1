import { existsSync, statSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { KdError } from '@kd/core';
import { readCsv, readIdxDataset, readImageFolder, readJsonLines } from '@kd/node';

/** Rows of features and integer labels as plain arrays: easy to split, and no tensors to free. */
export interface Dataset {
  /** Row-major features, `rows × product(featureShape)`, as the reader produced them (images scaled to [0, 1]). */
  x: Float32Array;
  /** Class index per row. */
  y: Float32Array;
  rows: number;
  /** Shape of one row: `[F]` for tables, `[H, W, C]` for images. */
  featureShape: number[];
  /** Column names for tables; null for images. */
  featureNames: string[] | null;
  /** Class names when the labels are text or folders; null for numeric labels. */
  classes: string[] | null;
  format: DataFormat;
  /** Pixel scaling applied by the reader (images), for the preprocessing record. */
  scale: number | null;
}

export type DataFormat = 'csv' | 'jsonl' | 'idx' | 'images';

/** What to read: the data file and how its label and features are found. */
export interface DataSpec {
  data: string;
  label?: string;
  features?: string[];
  classes?: string[];
  imageSize?: [number, number];
}

/** The format of a data path, from its kind and file name. */
export function dataFormat(path: string): DataFormat {
  if (!existsSync(path))
    throw new KdError('KD_DATA_INVALID', `The data file ${path} does not exist. Check the path.`, { path });
  if (statSync(path).isDirectory()) return 'images';
  const name = path.toLowerCase().replace(/\.gz$/, '');
  if (name.endsWith('.csv') || name.endsWith('.tsv') || name.endsWith('.txt')) return 'csv';
  if (name.endsWith('.jsonl') || name.endsWith('.ndjson') || name.endsWith('.json')) return 'jsonl';
  if (/idx\d|ubyte|\.idx$/.test(name)) return 'idx';
  throw new KdError(
    'KD_DATA_INVALID',
    `Cannot tell the format of ${path}: name it .csv, .jsonl, .idx (or *-idx3-ubyte), or pass a folder of class folders of images.`,
    { path },
  );
}

/**
 * Reads a data file with the `@kd/node` readers into a {@link Dataset}. The runtime must be
 * initialised (the readers create tensors; image decoding needs tfjs-node).
 *
 * @example
 * ```ts
 * const train = await readDataset({ data: 'train.csv', label: 'churned' });
 * ```
 */
export async function readDataset(spec: DataSpec): Promise<Dataset> {
  const format = dataFormat(spec.data);
  if (format === 'csv' || format === 'jsonl') {
    if (!spec.label)
      throw new KdError('KD_INVALID_ARGUMENT', `--label is required: name the label column of ${spec.data}.`, {
        path: spec.data,
      });
    const options = {
      label: spec.label,
      ...(spec.features ? { features: spec.features } : {}),
      ...(spec.classes ? { classes: spec.classes } : {}),
      ...(format === 'csv' && spec.data.toLowerCase().replace(/\.gz$/, '').endsWith('.tsv') ? { delimiter: '\t' } : {}),
    };
    if (format === 'jsonl' && !spec.features)
      throw new KdError(
        'KD_INVALID_ARGUMENT',
        `--features is required for JSON lines (${spec.data}): list the feature keys in order, e.g. --features age,income.`,
        { path: spec.data },
      );
    const table =
      format === 'csv'
        ? await readCsv(spec.data, options)
        : await readJsonLines(spec.data, { ...options, features: spec.features! });
    return fromTensors(table.x, table.y, {
      featureNames: table.featureNames,
      classes: spec.classes ?? null,
      format,
      scale: null,
    });
  }
  if (format === 'idx') {
    if (!spec.label || !existsSync(spec.label))
      throw new KdError(
        'KD_INVALID_ARGUMENT',
        `IDX images need their label file: pass it as --label (e.g. --label train-labels-idx1-ubyte.gz)${spec.label ? `; ${spec.label} does not exist` : ''}.`,
        { path: spec.data },
      );
    const pair = await readIdxDataset({ images: spec.data, labels: spec.label });
    return fromTensors(pair.x, pair.y, { featureNames: null, classes: spec.classes ?? null, format, scale: 1 / 255 });
  }
  const folder = await readImageFolder(spec.data, {
    size: spec.imageSize ?? [32, 32],
    ...(spec.classes ? { classes: spec.classes } : {}),
  });
  return fromTensors(folder.x, folder.y, { featureNames: null, classes: folder.classes, format, scale: 1 / 255 });
}

function fromTensors(
  x: tf.Tensor,
  y: tf.Tensor,
  meta: Pick<Dataset, 'featureNames' | 'classes' | 'format' | 'scale'>,
): Dataset {
  try {
    // One read per data set, at load time: not in a training loop.
    const values = x.dataSync() as Float32Array;
    const labels = Float32Array.from(y.dataSync());
    return {
      x: values instanceof Float32Array ? values : Float32Array.from(values),
      y: labels,
      rows: x.shape[0]!,
      featureShape: x.shape.slice(1),
      ...meta,
    };
  } finally {
    tf.dispose([x, y]);
  }
}

/** The rows at `indices`, as a new data set. */
export function takeRows(data: Dataset, indices: ArrayLike<number>): Dataset {
  const width = data.x.length / data.rows;
  const x = new Float32Array(indices.length * width);
  const y = new Float32Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const r = indices[i]!;
    x.set(data.x.subarray(r * width, (r + 1) * width), i * width);
    y[i] = data.y[r]!;
  }
  return { ...data, x, y, rows: indices.length };
}

/** Number of classes the labels hold (at least 2), after checking they are class indices. */
export function countClasses(data: Dataset[], where: string): number {
  let max = 0;
  for (const d of data)
    for (const v of d.y) {
      if (!Number.isInteger(v) || v < 0)
        throw new KdError(
          'KD_LABEL_RANGE',
          `${where}: label ${v} is not a class index (0, 1, 2, ...). Use integer labels, or --classes to name text labels.`,
          { label: v },
        );
      if (v > max) max = v;
    }
  const declared = data[0]?.classes?.length ?? 0;
  return Math.max(2, max + 1, declared);
}
