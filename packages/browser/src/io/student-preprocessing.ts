import * as tf from '@tensorflow/tfjs-core';
import { KdError, type Preprocessing } from '@kd/core';
import { parsePreprocessing } from '@kd/core/internal';

/**
 * The `preprocessing.json` that `kd distill` and `kd export` write beside a student's
 * `model.json` (the format @kd/core defines, shared with the kd command): model input =
 * (reader value − mean) / std, where the reader value of an image pixel is pixel × `image.scale`.
 */
export type StudentPreprocessing = Preprocessing;

/** Pixels as plain bytes (0..255), row-major, `channels` values per pixel (default 1: grayscale). */
export interface PixelImage {
  data: Uint8Array | Uint8ClampedArray;
  width: number;
  height: number;
  channels?: number;
}

/** Anything a student trained on images accepts: DOM pixel sources or plain pixel bytes. */
export type StudentImage =
  PixelImage | ImageData | HTMLCanvasElement | HTMLImageElement | HTMLVideoElement | ImageBitmap | OffscreenCanvas;

/**
 * One input row: an image, the reader values in input order (what the data file holds, e.g. a CSV
 * row's feature columns; several rows may follow one another), or a table row keyed by feature name.
 */
export type StudentInput = StudentImage | ArrayLike<number> | Readonly<Record<string, number>>;

/** Checks a parsed `preprocessing.json` (the check @kd/core defines) and returns it typed; else `KD_DATA_INVALID`. */
export function parseStudentPreprocessing(value: unknown, where: string): StudentPreprocessing {
  return parsePreprocessing(
    value,
    where,
    'Export the student again with kd export, which writes it beside model.json.',
  );
}

function isPixelImage(v: unknown): v is PixelImage {
  const o = v as PixelImage;
  return (
    !!o &&
    typeof o === 'object' &&
    (o.data instanceof Uint8Array || o.data instanceof Uint8ClampedArray) &&
    typeof o.width === 'number' &&
    typeof o.height === 'number' &&
    !(typeof ImageData !== 'undefined' && v instanceof ImageData)
  );
}

function isDomImage(v: unknown): boolean {
  const kinds = [
    'ImageData',
    'HTMLCanvasElement',
    'HTMLImageElement',
    'HTMLVideoElement',
    'ImageBitmap',
    'OffscreenCanvas',
  ];
  return kinds.some((k) => {
    const ctor = (globalThis as Record<string, unknown>)[k] as (new () => unknown) | undefined;
    return typeof ctor === 'function' && v instanceof ctor;
  });
}

/** Whether `v` is an image (rather than feature values). */
export function isStudentImage(v: unknown): v is StudentImage {
  return isPixelImage(v) || isDomImage(v);
}

/** An image as a `[height, width, channels]` float tensor of the student's pixel values (0..255). */
function imageTensor(image: StudentImage, target: NonNullable<StudentPreprocessing['image']>): tf.Tensor3D {
  return tf.tidy(() => {
    let pixels: tf.Tensor3D;
    if (isPixelImage(image)) {
      const channels = image.channels ?? 1;
      if (image.data.length !== image.width * image.height * channels)
        throw new KdError(
          'KD_SHAPE_MISMATCH',
          `The pixel image holds ${image.data.length} bytes, but ${image.height}×${image.width}×${channels} needs ${image.width * image.height * channels}.`,
          { expected: image.width * image.height * channels, got: image.data.length },
        );
      pixels = tf.tensor3d(Float32Array.from(image.data), [image.height, image.width, channels]);
    } else {
      pixels = tf.cast(tf.browser.fromPixels(image as Parameters<typeof tf.browser.fromPixels>[0], 3), 'float32');
    }
    const have = pixels.shape[2];
    if (target.channels === 1 && have !== 1) {
      // Luma (ITU-R BT.601) of the first three channels: grey pixels keep their value.
      const rgb = tf.slice(pixels, [0, 0, 0], [-1, -1, 3]);
      pixels = tf.sum(tf.mul(rgb, tf.tensor1d([0.299, 0.587, 0.114])), 2, true) as tf.Tensor3D;
    } else if (target.channels === 3 && have === 1) {
      pixels = tf.tile(pixels, [1, 1, 3]);
    } else if (target.channels === 3 && have === 4) {
      pixels = tf.slice(pixels, [0, 0, 0], [-1, -1, 3]);
    } else if (target.channels !== have) {
      throw new KdError(
        'KD_SHAPE_MISMATCH',
        `The student takes images with ${target.channels} channels; this image has ${have}.`,
        { expected: target.channels, got: have },
      );
    }
    if (pixels.shape[0] !== target.height || pixels.shape[1] !== target.width)
      pixels = tf.image.resizeBilinear(pixels, [target.height, target.width], true);
    return pixels;
  });
}

function featureRows(
  input: ArrayLike<number> | Readonly<Record<string, number>>,
  p: StudentPreprocessing | null,
  width: number,
): Float32Array {
  if (typeof (input as ArrayLike<number>).length === 'number') {
    const values = Float32Array.from(input as ArrayLike<number>);
    if (values.length === 0 || values.length % width !== 0)
      throw new KdError(
        'KD_SHAPE_MISMATCH',
        `The student takes rows of ${width} values; got ${values.length}, which is not a whole number of rows.`,
        { expected: width, got: values.length },
      );
    return values;
  }
  const names = p?.features;
  if (!names)
    throw new KdError(
      'KD_INVALID_ARGUMENT',
      'A row keyed by feature name needs the feature names, which the student’s preprocessing.json does not list; pass the values in input order instead.',
    );
  const row = input as Readonly<Record<string, number>>;
  const missing = names.filter((n) => typeof row[n] !== 'number');
  if (missing.length > 0)
    throw new KdError(
      'KD_DATA_INVALID',
      `The row lacks the feature(s) ${missing.join(', ')}; the student was trained on [${names.join(', ')}].`,
      { expected: names, missing },
    );
  return Float32Array.from(names, (n) => row[n]!);
}

/**
 * Turns inputs into the batch the student was trained on: images are converted to its channels,
 * resized to its size and scaled, then every value is standardised with the training split's mean
 * and std. Returns a `[rows, ...inputShape]` tensor (the caller disposes it).
 */
export function preprocessInputs(
  inputs: readonly StudentInput[],
  p: StudentPreprocessing | null,
  inputShape: readonly number[],
): tf.Tensor {
  const width = inputShape.reduce((a, b) => a * b, 1);
  return tf.tidy(() => {
    const parts = inputs.map((input) => {
      if (isStudentImage(input)) {
        if (!p?.image)
          throw new KdError(
            'KD_INVALID_ARGUMENT',
            p
              ? `This student was trained on ${p.source} features, not images; pass its ${width} feature values instead.`
              : 'This student has no preprocessing.json beside its model.json, ' +
                  'so how to turn an image into its inputs is unknown; ' +
                  'export it with kd export, or pass feature values.',
          );
        return tf.reshape(tf.mul(imageTensor(input, p.image), p.image.scale), [1, width]);
      }
      const values = featureRows(input, p, width);
      return tf.tensor2d(values, [values.length / width, width]);
    });
    let x = parts.length === 1 ? parts[0]! : tf.concat(parts, 0);
    if (p?.standardize) x = tf.div(tf.sub(x, tf.tensor1d(p.standardize.mean)), tf.tensor1d(p.standardize.std));
    return tf.reshape(x, [x.shape[0]!, ...inputShape]);
  });
}
