import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { KdError, checkWeightPaths, parseModelJson } from '@kd/core';

/**
 * A tfjs IOHandler that loads a model.json and its weight files from disk with `node:fs`, so
 * loading works on every backend (tfjs's own `file://` handler comes with tfjs-node only).
 */
export function fileLoadHandler(modelJsonPath: string): tf.io.IOHandler {
  return {
    load: async () => {
      const json = await readModelJson(modelJsonPath);
      return tf.io.getModelArtifactsForJSON(json, async (manifest) => {
        const buffers: ArrayBuffer[] = [];
        const specs: tf.io.WeightsManifestEntry[] = [];
        checkWeightPaths(manifest, modelJsonPath);
        for (const group of manifest) {
          for (const file of group.paths) {
            const path = join(dirname(modelJsonPath), file);
            try {
              const bytes = await readFile(path);
              buffers.push(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
            } catch (cause) {
              throw new KdError(
                'KD_MODEL_NOT_FOUND',
                `The weights file ${path} named in ${modelJsonPath} cannot be read. Copy the whole model folder.`,
                { path },
                { cause },
              );
            }
          }
          specs.push(...group.weights);
        }
        return [specs, tf.io.CompositeArrayBuffer.join(buffers)];
      });
    },
  };
}

/**
 * Reads and parses a model.json with core's check ({@link parseModelJson}): text that is not a tfjs
 * model description, or weights paths that leave the model's folder (`../`, absolute paths, URLs),
 * are refused with `KD_MODEL_INVALID` before any weights file is read.
 */
export async function readModelJson(path: string): Promise<tf.io.ModelJSON> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new KdError('KD_MODEL_NOT_FOUND', `Cannot read the model file ${path}. Check the path.`, { path }, { cause });
  }
  const json = parseModelJson(text, path);
  if (!Array.isArray(json.weightsManifest))
    throw new KdError(
      'KD_MODEL_INVALID',
      `${path} has no weightsManifest, so its weights cannot be found. Convert the model with tensorflowjs_converter, or save it with tfjs.`,
      { path },
    );
  return json;
}

/** Whether a model.json holds a graph model (converted SavedModel / frozen graph) rather than a layers model. */
export function isGraphModelJson(json: tf.io.ModelJSON): boolean {
  return json.format === 'graph-model' || Array.isArray((json.modelTopology as { node?: unknown }).node);
}
