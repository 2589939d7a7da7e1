import { createHash } from 'node:crypto';
import type { Dataset } from './dataset.js';

/**
 * SHA-256 (hex) of a split's rows as the reader produced them, before any standardisation: the
 * shape of a row, then every feature value and every label (float32, little-endian), in row order.
 * Two commands see the same training rows exactly when their hashes agree, whatever each one's
 * `--standardize`, which is how `kd distill` knows out-of-fold outputs belong to its training rows.
 */
export function rowsSha256(d: Pick<Dataset, 'x' | 'y' | 'rows' | 'featureShape'>): string {
  const hash = createHash('sha256');
  hash.update(`kd-rows|${d.rows}|${d.featureShape.join('x')}|`);
  hash.update(littleEndian(d.x));
  hash.update(littleEndian(d.y));
  return hash.digest('hex');
}

function littleEndian(values: Float32Array): Uint8Array {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i]!, true);
  return bytes;
}
