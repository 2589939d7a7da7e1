import { readdir, readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { KdError, type LabeledData } from '@kd/core';
import { loadTfjsNode } from '../runtime/load-tfjs-node.js';

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
}

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
  const [height, width] = options.size;
  const channels = options.channels ?? 3;
  const scale = options.scale ?? 1 / 255;
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
    const entries = (await readdir(dir)).filter((f) => IMAGE_EXTENSIONS.has(extname(f).toLowerCase())).sort();
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

  const pixels = new Float32Array(files.length * height * width * channels);
  for (const [i, file] of files.entries()) {
    const bytes = await readFile(file);
    const one = tf.tidy(() => {
      let image: tf.Tensor3D;
      try {
        image = node.decodeImage(bytes, channels, 'int32', false) as tf.Tensor3D;
      } catch (cause) {
        throw new KdError(
          'KD_DATA_INVALID',
          `${file} could not be decoded as an image: ${(cause as Error).message}.`,
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
  return {
    x: tf.tensor4d(pixels, [files.length, height, width, channels]),
    y: tf.tensor1d(labels, 'float32'),
    classes,
    files,
  };
}

type Decoder = {
  decodeImage(bytes: Uint8Array, channels?: number, dtype?: string, expandAnimations?: boolean): tf.Tensor;
};

async function loadDecoder(): Promise<Decoder> {
  const tfn = (await loadTfjsNode()) as unknown as { node: Decoder };
  return tfn.node;
}
