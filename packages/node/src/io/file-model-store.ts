import { readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { KdError, type ModelStore } from '@kd/core';
import { isTempName, replaceDirAtomic, siblingTempPath } from './atomic-write.js';

const MODEL_JSON = 'model.json';
const WEIGHTS_BIN = 'weights.bin';

/**
 * A {@link ModelStore} on the file system, in the layout of tfjs's `file://` handlers (a folder
 * with `model.json` and `weights.bin`), so `tf.loadLayersModel('file://…/model.json')` from
 * tfjs-node reads what it saves and the other way round. It uses `node:fs` only, so it works
 * whichever backend is active.
 *
 * Keys are names relative to `root` (`'student'`, `'teachers/big'`), absolute paths, or
 * `file://` URLs. A save goes to a temporary folder that is then renamed into place, so a crash
 * mid-save never leaves a half-written model.
 *
 * @example
 * ```ts
 * const store = new FileModelStore('./models');
 * await model.save(store.saveHandler('student'));
 * const again = await tf.loadLayersModel(store.loadHandler('student'));
 * ```
 */
export class FileModelStore implements ModelStore {
  readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  /** The folder a key names. */
  pathOf(key: string): string {
    if (key.startsWith('file://')) return fileURLToPath(key.replace(/\/model\.json$/, ''));
    if (isAbsolute(key)) return key;
    const path = resolve(this.root, key);
    const rel = relative(this.root, path);
    if (key.trim() === '' || rel === '' || rel.startsWith('..') || isAbsolute(rel)) {
      throw new KdError(
        'KD_INVALID_ARGUMENT',
        `Model key "${key}" does not name a folder inside ${this.root}. Use a name such as "student" or "teachers/big", an absolute path, or a file:// URL.`,
        { key, root: this.root },
      );
    }
    return path;
  }

  saveHandler(key: string): tf.io.IOHandler {
    const dir = this.pathOf(key);
    return {
      save: async (artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> => {
        if (artifacts.modelTopology instanceof ArrayBuffer) {
          throw new KdError(
            'KD_INVALID_ARGUMENT',
            'The file model store saves JSON model topologies only; this model has a binary (GraphDef) topology. Convert it with tensorflowjs_converter instead.',
            { key },
          );
        }
        const weights =
          artifacts.weightData === undefined ? undefined : tf.io.CompositeArrayBuffer.join(artifacts.weightData);
        const modelJson: tf.io.ModelJSON = {
          modelTopology: artifacts.modelTopology as object,
          format: artifacts.format,
          generatedBy: artifacts.generatedBy,
          convertedBy: artifacts.convertedBy,
          weightsManifest: [{ paths: weights ? [WEIGHTS_BIN] : [], weights: artifacts.weightSpecs ?? [] }],
          ...(artifacts.trainingConfig ? { trainingConfig: artifacts.trainingConfig } : {}),
          ...(artifacts.signature ? { signature: artifacts.signature } : {}),
          ...(artifacts.userDefinedMetadata ? { userDefinedMetadata: artifacts.userDefinedMetadata } : {}),
          ...(artifacts.modelInitializer ? { modelInitializer: artifacts.modelInitializer } : {}),
          ...(artifacts.initializerSignature ? { initializerSignature: artifacts.initializerSignature } : {}),
        };
        await replaceDirAtomic(dir, async (temp) => {
          if (weights) await writeFile(join(temp, WEIGHTS_BIN), new Uint8Array(weights));
          await writeFile(join(temp, MODEL_JSON), JSON.stringify(modelJson));
        });
        return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
      },
    };
  }

  loadHandler(key: string): tf.io.IOHandler {
    const dir = this.pathOf(key);
    return {
      load: async (): Promise<tf.io.ModelArtifacts> => {
        let text: string;
        try {
          text = await readFile(join(dir, MODEL_JSON), 'utf8');
        } catch (cause) {
          const known = await this.list().catch(() => []);
          throw new KdError(
            'KD_MODEL_NOT_FOUND',
            `No model saved under "${key}" (${join(dir, MODEL_JSON)} cannot be read). Save one there first, or use one of: ${known.join(', ') || '(none in ' + this.root + ')'}.`,
            { key, path: dir },
            { cause },
          );
        }
        let modelJson: tf.io.ModelJSON;
        try {
          modelJson = JSON.parse(text) as tf.io.ModelJSON;
        } catch (cause) {
          throw new KdError(
            'KD_MODEL_NOT_FOUND',
            `${join(dir, MODEL_JSON)} is not valid JSON, so no model can be read from "${key}". Save the model again.`,
            { key, path: dir },
            { cause },
          );
        }
        return tf.io.getModelArtifactsForJSON(modelJson, async (manifest) => {
          const buffers: ArrayBuffer[] = [];
          const specs: tf.io.WeightsManifestEntry[] = [];
          for (const group of manifest) {
            for (const file of group.paths) {
              try {
                const bytes = await readFile(join(dir, file));
                buffers.push(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
              } catch (cause) {
                throw new KdError(
                  'KD_MODEL_NOT_FOUND',
                  `The weights file ${join(dir, file)} of model "${key}" cannot be read. Save the model again.`,
                  { key, path: join(dir, file) },
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

  /** Keys (relative to `root`, `/`-separated) of every saved model under `root`. */
  async list(): Promise<string[]> {
    const keys: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      let entries;
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch {
        return;
      }
      if (dir !== this.root && entries.some((e) => e.isFile() && e.name === MODEL_JSON))
        keys.push(relative(this.root, dir).split(sep).join('/'));
      for (const e of entries) if (e.isDirectory() && !isTempName(e.name)) await walk(join(dir, e.name));
    };
    await walk(this.root);
    return keys.sort();
  }

  /** Deletes a saved model; removing a key that holds nothing is not an error. */
  async remove(key: string): Promise<void> {
    const dir = this.pathOf(key);
    const doomed = siblingTempPath(dir, 'old');
    try {
      await rename(dir, doomed);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    await rm(doomed, { recursive: true, force: true });
  }
}
