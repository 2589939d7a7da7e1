// Pure (no Node imports) so a browser can reuse it.

/**
 * Scales uint8 pixels to float features in [0, 1] (pixel / 255), one row of `images.length / count`
 * features per image, ready for `tf.tensor2d(features, [count, images.length / count])`.
 *
 * @param {Uint8Array} images `count` images, one after another.
 * @param {number} count Number of images in `images`; must divide `images.length` evenly.
 * @returns {Float32Array} `images.length` features.
 * @throws {Error} If `count` is not a positive integer that divides `images.length`.
 * @example
 * const { train } = loadFashionSubset();
 * const x = toFeatures(train.images, train.count); // length train.count * 784
 */
export function toFeatures(images, count) {
  if (!Number.isInteger(count) || count <= 0 || images.length % count !== 0) {
    throw new Error(
      `toFeatures: count must be a positive integer that divides the ${images.length} pixels evenly (the number of images in them), got ${count}.`,
    );
  }
  const features = new Float32Array(images.length);
  for (let i = 0; i < images.length; i++) features[i] = images[i] / 255;
  return features;
}
