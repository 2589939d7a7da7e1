import { stat } from 'node:fs/promises';
import * as tf from '@tensorflow/tfjs-core';
import { KdError, type LabeledData } from '@kd/core';
import { isGzip, readByteChunks } from './open-text.js';

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

/** Options for {@link readIdx}. */
export interface IdxOptions {
  /**
   * Most value bytes the file may hold once gunzipped (default 1 GiB). The header is read first,
   * so a header announcing more is refused before anything is allocated, and a gzip stream is
   * never inflated past what its header announced.
   */
  maxBytes?: number;
}

/** The default of {@link IdxOptions.maxBytes}: 1 GiB. */
export const DEFAULT_IDX_MAX_BYTES = 2 ** 30;

/**
 * Reads an IDX file (the MNIST format: big-endian header with type and dimensions, then values),
 * gzip-compressed or not, streaming: the header is checked before the values are read, and reading
 * stops at the first byte beyond what the header announced.
 *
 * @example
 * ```ts
 * const { values, shape } = await readIdx('train-images-idx3-ubyte.gz'); // Uint8Array, [60000, 28, 28]
 * ```
 */
export async function readIdx(
  path: string,
  options: IdxOptions = {},
): Promise<{ values: IdxValues; shape: number[]; type: string }> {
  const maxBytes = options.maxBytes ?? DEFAULT_IDX_MAX_BYTES;
  const bad = (why: string) => new KdError('KD_DATA_INVALID', `${path} is not an IDX file: ${why}.`, { path });
  const gzip = await isGzip(path);
  const fileBytes = gzip ? undefined : (await stat(path)).size;
  let head = Buffer.alloc(0);
  let header: { type: (typeof TYPES)[number]; shape: number[]; start: number; total: number } | undefined;
  let body: Buffer | undefined;
  let filled = 0;
  for await (const chunk of readByteChunks(path)) {
    let rest = chunk;
    if (!header) {
      head = Buffer.concat([head, chunk]);
      if (head.length < 4) continue;
      if (head[0] !== 0 || head[1] !== 0) throw bad('it does not start with two zero bytes');
      const type = TYPES[head[2] as number];
      if (!type) throw bad(`unknown value type 0x${(head[2] as number).toString(16)}`);
      const rank = head[3] as number;
      const start = 4 + 4 * rank;
      if (head.length < start) continue;
      const shape = Array.from({ length: rank }, (_, i) => head.readUInt32BE(4 + 4 * i));
      const count = shape.reduce((a, b) => a * b, 1);
      const valueBytes = count * type.bytes;
      if (fileBytes !== undefined && fileBytes !== start + valueBytes)
        throw bad(
          `its header announces ${count} values of ${type.bytes} bytes after ${start} header bytes, but the file has ${fileBytes} bytes`,
        );
      if (valueBytes > maxBytes)
        throw new KdError(
          'KD_INPUT_TOO_LARGE',
          `${path} announces ${count} values (shape [${shape.join(', ')}], ${valueBytes} bytes), ` +
            `more than the limit of ${maxBytes} bytes. ` +
            'Raise it with readIdx(path, { maxBytes }) if the file is right.',
          { path, shape, maxBytes },
        );
      header = { type, shape, start, total: valueBytes };
      body = Buffer.alloc(valueBytes);
      rest = head.subarray(start);
    }
    if (filled + rest.length > header.total)
      throw bad(
        `it holds more than the ${header.total} value bytes its header announces (shape [${header.shape.join(', ')}])${gzip ? '; reading stopped there' : ''}`,
      );
    rest.copy(body!, filled);
    filled += rest.length;
  }
  if (!header) throw bad(head.length < 4 ? 'it is shorter than the 4-byte magic number' : 'its header is cut short');
  if (filled !== header.total)
    throw bad(
      `its header announces ${header.total} value bytes (shape [${header.shape.join(', ')}]) but only ${filled} follow`,
    );
  const { type, shape } = header;
  const count = header.total / type.bytes;
  const bytes = body!;
  let values: IdxValues;
  if (type.bytes === 1) {
    values = type.make(count);
    values.set(type.name === 'uint8' ? bytes : new Int8Array(bytes.buffer, bytes.byteOffset, count));
  } else {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    values = type.make(count);
    for (let i = 0; i < count; i++) values[i] = type.read(view, i * type.bytes);
  }
  return { values, shape, type: type.name };
}

/** Options for {@link readIdxDataset}. */
export interface IdxDatasetOptions extends IdxOptions {
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
  const images = await readIdx(options.images, options);
  const labels = await readIdx(options.labels, options);
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
