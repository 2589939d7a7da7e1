import { readdir, readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { KdError, type LabeledData } from '@kd/core';
import { loadTfjsNode } from '../runtime/load-tfjs-node.js';
import { imageSize } from './image-size.js';
import { describeValue } from './tabular.js';

const IMAGE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg', '.bmp', '.gif']);

/** Options for {@link readImageFolder}. */
export interface ImageFolderOptions {
  /** Every image is resized (bilinear) to `[height, width]`. */
  size: [number, number];
  /** 1 (grey), 3 (RGB, default) or 4 (RGBA). */
  channels?: 1 | 3 | 4;
  /** Multiplies pixel values (default 1/255, giving [0, 1]). */
  scale?: number;
  /** Class folder names in label order (default: the subfolders, sorted). */
  classes?: string[];
  /**
   * Largest image accepted, in pixels (width × height, default 16 777 216 = 4096²), read from the
   * file's header before decoding; a larger one is refused with `KD_INPUT_TOO_LARGE`.
   */
  maxPixels?: number;
}

/** The default of {@link ImageFolderOptions.maxPixels}: 4096 × 4096. */
export const DEFAULT_MAX_PIXELS = 4096 * 4096;

/**
 * Reads a folder of class folders (`root/cat/*.png`, `root/dog/*.jpg`) into `{ x, y }` tensors:
 * x float32 `[N, height, width, channels]`, y float32 `[N]` class indices in `classes` order.
 * Decoding uses TensorFlow's image decoders, so the runtime must be initialised first
 * (`await nodeRuntime().init()`). The caller disposes the tensors.
 *
 * @example
 * ```ts
 * await runtime.init();
 * const { x, y, classes } = await readImageFolder('./photos', { size: [64, 64] });
 * ```
 */
export async function readImageFolder(
  root: string,
  options: ImageFolderOptions,
): Promise<LabeledData & { x: tf.Tensor4D; y: tf.Tensor1D; classes: string[]; files: string[] }> {
  const { height, width, channels, scale } = checkImageOptions(root, options);
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  const node = await loadDecoder();
  let classes = options.classes;
  if (!classes) {
    try {
      classes = (await readdir(root, { withFileTypes: true }))
        .filter((e) => e.isDirectory())
        .map((e) => e.name)
        .sort();
    } catch (cause) {
      throw new KdError(
        'KD_DATA_INVALID',
        `Cannot read the image folder ${root}: ${(cause as Error).message}.`,
        { root },
        { cause },
      );
    }
  }
  if (classes.length === 0)
    throw new KdError(
      'KD_DATA_INVALID',
      `${root} has no class subfolders. Put each class's images in a folder named after it.`,
      { root },
    );

  const files: string[] = [];
  const labels: number[] = [];
  for (const [label, name] of classes.entries()) {
    const dir = join(root, name);
    let names: string[];
    try {
      names = await readdir(dir);
    } catch (cause) {
      const code = (cause as NodeJS.ErrnoException).code;
      throw new KdError(
        'KD_DATA_INVALID',
        code === 'ENOENT'
          ? `${root} has no folder for class ${describeValue(name)} (${dir}). Create it, or list only the classes that exist in \`classes\`.`
          : `Cannot read the class folder ${dir}: ${(cause as Error).message}.`,
        { root, class: name },
        { cause },
      );
    }
    const entries = names.filter((f) => IMAGE_EXTENSIONS.has(extname(f).toLowerCase())).sort();
    for (const f of entries) {
      files.push(join(dir, f));
      labels.push(label);
    }
  }
  if (files.length === 0)
    throw new KdError(
      'KD_DATA_INVALID',
      `${root} has class folders but no images (${[...IMAGE_EXTENSIONS].join(', ')}).`,
      { root },
    );

  const pixels = await decodeImages(files, { height, width, channels, scale, maxPixels }, node);
  return {
    x: tf.tensor4d(pixels, [files.length, height, width, channels]),
    y: tf.tensor1d(labels, 'float32'),
    classes,
    files,
  };
}

/** Options for {@link readImages}: those of {@link readImageFolder} but `classes`. */
export type ImagesOptions = Omit<ImageFolderOptions, 'classes'>;

/**
 * Reads the images of a folder without labels (`distill`'s `unlabeled`): every image in `root`
 * and in its subfolders, one level down (class folders are read too, their names ignored), in
 * path order, into a float32 `[N, height, width, channels]` tensor, decoded, resized and scaled as
 * {@link readImageFolder} does. The runtime must be initialised first. The caller disposes `x`.
 *
 * @example
 * ```ts
 * await runtime.init();
 * const { x, files } = await readImages('./unlabeled-photos', { size: [64, 64] });
 * ```
 */
export async function readImages(root: string, options: ImagesOptions): Promise<{ x: tf.Tensor4D; files: string[] }> {
  const { height, width, channels, scale } = checkImageOptions(root, options, 'readImages');
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  const node = await loadDecoder();
  const list = async (dir: string) => {
    try {
      return await readdir(dir, { withFileTypes: true });
    } catch (cause) {
      throw new KdError(
        'KD_DATA_INVALID',
        `Cannot read the image folder ${dir}: ${(cause as Error).message}.`,
        { root },
        { cause },
      );
    }
  };
  const isImage = (name: string) => IMAGE_EXTENSIONS.has(extname(name).toLowerCase());
  const files: string[] = [];
  const entries = (await list(root)).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    if (e.isFile() && isImage(e.name)) files.push(join(root, e.name));
    else if (e.isDirectory())
      for (const f of (await list(join(root, e.name))).map((d) => d.name).sort())
        if (isImage(f)) files.push(join(root, e.name, f));
  }
  if (files.length === 0)
    throw new KdError(
      'KD_DATA_INVALID',
      `${root} has no images (${[...IMAGE_EXTENSIONS].join(', ')}) in it or in its subfolders.`,
      { root },
    );
  const pixels = await decodeImages(files, { height, width, channels, scale, maxPixels }, node);
  return { x: tf.tensor4d(pixels, [files.length, height, width, channels]), files };
}

/** Decodes, resizes and scales every file into one row-major buffer of `[files, height, width, channels]`. */
async function decodeImages(
  files: string[],
  {
    height,
    width,
    channels,
    scale,
    maxPixels,
  }: { height: number; width: number; channels: 1 | 3 | 4; scale: number; maxPixels: number },
  node: Decoder,
): Promise<Float32Array> {
  const pixels = new Float32Array(files.length * height * width * channels);
  for (const [i, file] of files.entries()) {
    const bytes = await readFile(file).catch((cause: unknown) => {
      throw new KdError(
        'KD_DATA_INVALID',
        `Cannot read the image ${file}: ${(cause as Error).message}.`,
        { file },
        { cause },
      );
    });
    const size = imageSize(bytes);
    if (size && size.width * size.height > maxPixels)
      throw new KdError(
        'KD_INPUT_TOO_LARGE',
        `${file} is ${size.width}×${size.height} pixels, more than the limit of ${maxPixels}. Shrink it first, or raise the limit with \`maxPixels\`.`,
        { file, ...size, maxPixels },
      );
    const one = tf.tidy(() => {
      let image: tf.Tensor3D;
      try {
        image = node.decodeImage(bytes, channels, 'int32', false) as tf.Tensor3D;
      } catch (cause) {
        throw new KdError(
          'KD_DATA_INVALID',
          `${file} could not be decoded as an image: ${String((cause as Error)?.message).slice(0, 200)}.`,
          { file },
          { cause },
        );
      }
      const sized =
        image.shape[0] === height && image.shape[1] === width
          ? tf.cast(image, 'float32')
          : tf.image.resizeBilinear(image, [height, width]);
      return tf.mul(sized, scale);
    });
    pixels.set(await one.data(), i * height * width * channels);
    one.dispose();
  }
  return pixels;
}

function checkImageOptions(
  root: string,
  options: ImageFolderOptions,
  fn = 'readImageFolder',
): { height: number; width: number; channels: 1 | 3 | 4; scale: number } {
  const bad = (what: string, got: unknown) =>
    new KdError('KD_INVALID_ARGUMENT', `${fn}(${root}): ${what}, got ${describeValue(got)}.`, { root });
  if (typeof options !== 'object' || options === null) throw bad('options with `size` are needed', options);
  const size = options.size as unknown;
  if (
    !Array.isArray(size) ||
    size.length !== 2 ||
    !size.every((d) => Number.isInteger(d) && (d as number) >= 1 && (d as number) <= 16384)
  )
    throw bad('`size` must be [height, width], two whole numbers from 1 to 16384', size);
  const channels = options.channels ?? 3;
  if (channels !== 1 && channels !== 3 && channels !== 4) throw bad('`channels` must be 1, 3 or 4', channels);
  const scale = options.scale ?? 1 / 255;
  if (!Number.isFinite(scale)) throw bad('`scale` must be a finite number', scale);
  if (
    options.classes !== undefined &&
    (!Array.isArray(options.classes) ||
      !options.classes.every((c) => typeof c === 'string' && c !== '' && !/[\\/]/.test(c) && c !== '..' && c !== '.'))
  )
    throw bad('`classes` must be a list of folder names (no slashes)', options.classes);
  if (options.maxPixels !== undefined && !(Number.isInteger(options.maxPixels) && options.maxPixels >= 1))
    throw bad('`maxPixels` must be a positive whole number', options.maxPixels);
  return { height: size[0] as number, width: size[1] as number, channels, scale };
}

type Decoder = {
  decodeImage(bytes: Uint8Array, channels?: number, dtype?: string, expandAnimations?: boolean): tf.Tensor;
};

async function loadDecoder(): Promise<Decoder> {
  const tfn = (await loadTfjsNode()) as unknown as { node: Decoder };
  return tfn.node;
}
