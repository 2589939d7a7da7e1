import type * as tf from '@tensorflow/tfjs-core';
import { KdError } from '../errors/kd-error.js';
import { checkWeightPaths } from './weight-paths.js';

/**
 * Parses the text of a `model.json` and checks it is a tfjs model description whose weights files
 * all lie inside its folder (see {@link checkWeightPaths}). Anything else — text that is not JSON,
 * `null`, `{}`, an array, a manifest that is not a list — raises `KD_MODEL_INVALID` naming `where`.
 *
 * @example
 * ```ts
 * const json = parseModelJson(await readFile('model/model.json', 'utf8'), 'model/model.json');
 * ```
 */
export function parseModelJson(text: string, where: string): tf.io.ModelJSON {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new KdError(
      'KD_MODEL_INVALID',
      `${where} is not valid JSON (${(cause as Error).message.slice(0, 200)}), so no model can be read from it. Save or convert the model again.`,
      { path: where },
      { cause },
    );
  }
  return checkModelJson(value, where);
}

/**
 * Checks an already parsed `model.json` value; see {@link parseModelJson}.
 *
 * @example
 * ```ts
 * checkModelJson(await response.json(), url);
 * ```
 */
export function checkModelJson(value: unknown, where: string): tf.io.ModelJSON {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new KdError(
      'KD_MODEL_INVALID',
      `${where} holds ${value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value}, ` +
        'not a tfjs model (an object with "modelTopology" and "weightsManifest"). Save or convert the model again.',
      { path: where },
    );
  }
  const json = value as Partial<tf.io.ModelJSON>;
  if (typeof json.modelTopology !== 'object' || json.modelTopology === null) {
    throw new KdError(
      'KD_MODEL_INVALID',
      `${where} has no "modelTopology" object, so it does not describe a tfjs model. Save or convert the model again.`,
      { path: where },
    );
  }
  if (json.weightsManifest !== undefined) {
    checkWeightPaths(json.weightsManifest, where);
    for (const [i, group] of json.weightsManifest.entries()) {
      if (!Array.isArray(group.weights))
        throw new KdError('KD_MODEL_INVALID', `${where}: weight group ${i} has no "weights" list.`, {
          path: where,
          group: i,
        });
    }
  }
  return json as tf.io.ModelJSON;
}

const BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, complex64: 8, uint8: 1, uint16: 2, float16: 2 };

/**
 * How many bytes of weights `specs` describe, or `undefined` when that cannot be known up front
 * (string weights). Loaders compare it with the bytes read so a truncated `weights.bin` is a
 * `KD_MODEL_INVALID` naming the file instead of a `RangeError` deep inside tfjs.
 *
 * @example
 * ```ts
 * weightBytes([{ name: 'k', shape: [3, 2], dtype: 'float32' }]); // 24
 * ```
 */
export function weightBytes(specs: readonly tf.io.WeightsManifestEntry[]): number | undefined {
  let total = 0;
  for (const spec of specs) {
    const dtype = spec.quantization?.dtype ?? spec.dtype;
    const size = BYTES[dtype];
    if (size === undefined || !Array.isArray(spec.shape)) return undefined;
    total += spec.shape.reduce((a, b) => a * b, 1) * size;
  }
  return total;
}
