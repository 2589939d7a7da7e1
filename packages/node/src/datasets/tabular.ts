import * as tf from '@tensorflow/tfjs-core';
import { KdError, type LabeledData } from '@kd/core';

/** Which columns are features and which is the label, for CSV and JSON lines. */
export interface TabularOptions {
  /** The label column: a header name (or JSON key), or a 0-based column index. */
  label: string | number;
  /** Feature columns, in order. Default: every column except the label (CSV) — required for JSON lines. */
  features?: Array<string | number>;
  /**
   * Class names for a text label, in label order (`['cat', 'dog']` → 0, 1). Without it, labels
   * must be numbers.
   */
  classes?: string[];
}

/** Rows read in one go: features `[N, F]` float32, labels `[N]` float32. */
export interface TabularData extends LabeledData {
  x: tf.Tensor2D;
  y: tf.Tensor1D;
  featureNames: string[];
  rows: number;
}

/** One batch of a streamed file, as plain arrays (no tensors to dispose). */
export interface TabularBatch {
  /** Row-major features, `rows × featureNames.length`. */
  x: Float32Array;
  y: Float32Array;
  rows: number;
  featureNames: string[];
}

// Plain decimal numbers only: `Number()` would also read `0x10` as 16, and `0b1`, `0o7` as numbers.
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * A value for an error message: JSON-quoted and cut to 60 characters, so a huge field does not
 * end up whole in the message.
 */
export function describeValue(value: unknown): string {
  // Lists and objects are named, not printed: printing a deeply nested one could overflow the stack.
  if (Array.isArray(value)) return `a list of ${value.length} items`;
  if (typeof value === 'object' && value !== null) return 'an object';
  const text = value === undefined ? 'nothing' : (JSON.stringify(value) ?? String(value));
  return text.length > 60 ? `${text.slice(0, 57)}... (${text.length} characters)` : text;
}

/** Turns one field into a number, or says where the data is wrong. */
export function parseNumber(text: unknown, where: string): number {
  const trimmed = typeof text === 'string' ? text.trim() : '';
  const value = typeof text === 'number' ? text : DECIMAL.test(trimmed) ? Number(trimmed) : NaN;
  if (!Number.isFinite(value)) {
    throw new KdError(
      'KD_DATA_INVALID',
      `${where} holds ${describeValue(text)}, not a finite decimal number. Clean the file, or choose the feature columns with \`features\`.`,
      { where, value: typeof text === 'string' ? text.slice(0, 60) : text },
    );
  }
  return value;
}

/** A label as a number: numeric text, or the index of a class name in `classes`. */
export function parseLabel(text: unknown, classes: string[] | undefined, where: string): number {
  if (classes) {
    const index = classes.indexOf(String(text));
    if (index < 0)
      throw new KdError(
        'KD_LABEL_RANGE',
        `${where} has label ${describeValue(text)}, which is not one of the classes ` +
          `[${classes.slice(0, 20).join(', ')}${classes.length > 20 ? ', ...' : ''}]. ` +
          'Add it to `classes` or fix the row.',
        { where, label: typeof text === 'string' ? text.slice(0, 60) : text },
      );
    return index;
  }
  if (typeof text === 'string' && text.trim() !== '' && !DECIMAL.test(text.trim())) {
    throw new KdError(
      'KD_DATA_INVALID',
      `${where} has the text label ${describeValue(text)}. Pass \`classes\` (e.g. [${describeValue(text)}, ...]) to map class names to numbers.`,
      { where, label: text.slice(0, 60) },
    );
  }
  return parseNumber(text, where);
}

/** Collects rows into batches of `batchSize` (the last may be smaller). */
export class BatchCollector {
  private x: number[] = [];
  private y: number[] = [];
  private rows = 0;

  constructor(
    private readonly featureNames: string[],
    private readonly batchSize: number,
  ) {
    if (!Number.isInteger(batchSize) || batchSize < 1)
      throw new KdError('KD_INVALID_ARGUMENT', `batchSize must be a positive integer, got ${batchSize}.`, {
        batchSize,
      });
  }

  /** Adds a row (without `label` for rows read without one: the batch's `y` is then empty); returns a full batch when one is complete. */
  add(features: number[], label?: number): TabularBatch | undefined {
    for (const v of features) this.x.push(v);
    if (label !== undefined) this.y.push(label);
    this.rows += 1;
    return this.rows === this.batchSize ? this.flush() : undefined;
  }

  /** The rows collected since the last batch, if any. */
  flush(): TabularBatch | undefined {
    if (this.rows === 0) return undefined;
    const batch = {
      x: Float32Array.from(this.x),
      y: Float32Array.from(this.y),
      rows: this.rows,
      featureNames: this.featureNames,
    };
    this.x = [];
    this.y = [];
    this.rows = 0;
    return batch;
  }
}

/** Joins streamed batches into one pair of tensors. */
export async function collectBatches(batches: AsyncIterable<TabularBatch>, source: string): Promise<TabularData> {
  const xs: Float32Array[] = [];
  const ys: Float32Array[] = [];
  let rows = 0;
  let featureNames: string[] = [];
  for await (const b of batches) {
    xs.push(b.x);
    ys.push(b.y);
    rows += b.rows;
    featureNames = b.featureNames;
  }
  if (rows === 0) throw new KdError('KD_DATA_INVALID', `${source} holds no data rows.`, { source });
  const x = new Float32Array(rows * featureNames.length);
  const y = new Float32Array(rows);
  let offset = 0;
  xs.forEach((part, i) => {
    x.set(part, offset * featureNames.length);
    y.set(ys[i] as Float32Array, offset);
    offset += (ys[i] as Float32Array).length;
  });
  return { x: tf.tensor2d(x, [rows, featureNames.length]), y: tf.tensor1d(y), featureNames, rows };
}

/** Rows of features read without labels: `[N, F]` float32 (see {@link readCsvFeatures}). */
export interface FeatureRows {
  x: tf.Tensor2D;
  featureNames: string[];
  rows: number;
}

/** Joins batches read without labels into one feature tensor. */
export async function collectFeatures(batches: AsyncIterable<TabularBatch>, source: string): Promise<FeatureRows> {
  const xs: Float32Array[] = [];
  let rows = 0;
  let featureNames: string[] = [];
  for await (const b of batches) {
    xs.push(b.x);
    rows += b.rows;
    featureNames = b.featureNames;
  }
  if (rows === 0) throw new KdError('KD_DATA_INVALID', `${source} holds no data rows.`, { source });
  const x = new Float32Array(rows * featureNames.length);
  let offset = 0;
  for (const part of xs) {
    x.set(part, offset);
    offset += part.length;
  }
  return { x: tf.tensor2d(x, [rows, featureNames.length]), featureNames, rows };
}
