import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import * as tf from '@tensorflow/tfjs-core';
import { KdError, type LabeledData } from '@kd/core';

/** Typed array of an IDX file's values. */
export type IdxValues = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

const TYPES: Record<
  number,
  { name: string; bytes: number; read: (v: DataView, at: number) => number; make: (n: number) => IdxValues }
> = {
  0x08: { name: 'uint8', bytes: 1, read: (v, at) => v.getUint8(at), make: (n) => new Uint8Array(n) },
  0x09: { name: 'int8', bytes: 1, read: (v, at) => v.getInt8(at), make: (n) => new Int8Array(n) },
  0x0b: { name: 'int16', bytes: 2, read: (v, at) => v.getInt16(at, false), make: (n) => new Int16Array(n) },
  0x0c: { name: 'int32', bytes: 4, read: (v, at) => v.getInt32(at, false), make: (n) => new Int32Array(n) },
  0x0d: { name: 'float32', bytes: 4, read: (v, at) => v.getFloat32(at, false), make: (n) => new Float32Array(n) },
  0x0e: { name: 'float64', bytes: 8, read: (v, at) => v.getFloat64(at, false), make: (n) => new Float64Array(n) },
};

/**
 * Reads an IDX file (the MNIST format: big-endian header with type and dimensions, then values),
 * gzip-compressed or not.
 *
 * @example
 * ```ts
 * const { values, shape } = await readIdx('train-images-idx3-ubyte.gz'); // Uint8Array, [60000, 28, 28]
 * ```
 */
export async function readIdx(path: string): Promise<{ values: IdxValues; shape: number[]; type: string }> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
    if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipSync(bytes);
  } catch (cause) {
    throw new KdError(
      'KD_DATA_INVALID',
      `Cannot read the IDX file ${path}: ${(cause as Error).message}.`,
      { path },
      { cause },
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const bad = (why: string) => new KdError('KD_DATA_INVALID', `${path} is not an IDX file: ${why}.`, { path });
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0) throw bad('it does not start with two zero bytes');
  const type = TYPES[bytes[2] as number];
  if (!type) throw bad(`unknown value type 0x${(bytes[2] as number).toString(16)}`);
  const rank = bytes[3] as number;
  if (bytes.length < 4 + 4 * rank) throw bad('its header is cut short');
  const shape = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i, false));
  const count = shape.reduce((a, b) => a * b, 1);
  const start = 4 + 4 * rank;
  if (bytes.length !== start + count * type.bytes)
    throw bad(
      `its header announces ${count} values of ${type.bytes} bytes after ${start} header bytes, but the file has ${bytes.length} bytes`,
    );
  let values: IdxValues;
  if (type.bytes === 1) {
    values = type.make(count);
    values.set(
      type.name === 'uint8' ? bytes.subarray(start) : new Int8Array(bytes.buffer, bytes.byteOffset + start, count),
    );
  } else {
    values = type.make(count);
    for (let i = 0; i < count; i++) values[i] = type.read(view, start + i * type.bytes);
  }
  return { values, shape, type: type.name };
}

/** Options for {@link readIdxDataset}. */
export interface IdxDatasetOptions {
  images: string;
  labels: string;
  /** Multiplies pixel values (default 1/255 for uint8 images, else 1). */
  scale?: number;
  /** Adds a trailing channel axis, `[N, H, W]` → `[N, H, W, 1]`, as conv layers expect (default true). */
  channelAxis?: boolean;
}

/**
 * Reads an IDX image file and its label file (MNIST, Fashion-MNIST) into `{ x, y }` tensors:
 * x float32 `[N, H, W, 1]` scaled to [0, 1], y float32 `[N]` class indices. The caller disposes.
 *
 * @example
 * ```ts
 * const train = await readIdxDataset({ images: 'train-images-idx3-ubyte.gz', labels: 'train-labels-idx1-ubyte.gz' });
 * ```
 */
export async function readIdxDataset(
  options: IdxDatasetOptions,
): Promise<LabeledData & { x: tf.Tensor; y: tf.Tensor1D }> {
  const images = await readIdx(options.images);
  const labels = await readIdx(options.labels);
  if (labels.shape.length !== 1)
    throw new KdError(
      'KD_DATA_INVALID',
      `${options.labels} should hold one label per image ([N]); it has shape [${labels.shape.join(', ')}].`,
      { path: options.labels },
    );
  if (images.shape[0] !== labels.shape[0]) {
    throw new KdError(
      'KD_SHAPE_MISMATCH',
      `${options.images} holds ${images.shape[0]} images but ${options.labels} holds ${labels.shape[0]} labels. Pair the matching files.`,
      { images: images.shape, labels: labels.shape },
    );
  }
  const scale = options.scale ?? (images.type === 'uint8' ? 1 / 255 : 1);
  const x = Float32Array.from(images.values, (v) => v * scale);
  const shape = options.channelAxis === false ? images.shape : [...images.shape, 1];
  return { x: tf.tensor(x, shape, 'float32'), y: tf.tensor1d(Float32Array.from(labels.values), 'float32') };
}
