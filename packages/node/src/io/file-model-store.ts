import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, realpath, rename, rmdir, stat, unlink } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { KdError, parseModelJson, weightBytes, type ModelStore } from '@kd/core';
import { isTempName, siblingTempPath, syncDir, writeFileSynced } from './atomic-write.js';
import { withFolderLock } from './folder-lock.js';
import { hasLegacyOrphan, recoverLegacyLeftovers } from './legacy-leftovers.js';
import { inspectFolder, isKdWeightsName, MODEL_JSON, type FolderState } from './model-folder.js';

/** Options for {@link FileModelStore}. */
export interface FileModelStoreOptions {
  /**
   * Lets absolute-path and `file://` keys name folders outside `root` (default false: every key
   * must lie inside `root`, so a mistyped key cannot reach the rest of the disk).
   */
  allowOutsideRoot?: boolean;
  /** How long a save waits for another process saving the same key, in ms (default 30000). */
  lockTimeoutMs?: number;
}

/**
 * A {@link ModelStore} on the file system, in the layout of tfjs's `file://` handlers (a folder
 * with `model.json` and its weights file), so `tf.loadLayersModel('file://…/model.json')` from
 * tfjs-node reads what it saves and the other way round. It uses `node:fs` only, so it works
 * whichever backend is active.
 *
 * Keys are names relative to `root` (`'student'`, `'teachers/big'`), or absolute paths and
 * `file://` URLs inside `root` (anywhere with `allowOutsideRoot`). A save writes the weights to a
 * new file, then renames a new `model.json` over the old one: the key holds the old model or the
 * new one at every instant, even if the process is killed. A save only replaces a folder that is
 * absent, empty or holds a model; anything else is refused with `KD_TARGET_EXISTS`.
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
  private readonly allowOutsideRoot: boolean;
  private readonly lockTimeoutMs: number;

  constructor(root: string, options: FileModelStoreOptions = {}) {
    this.root = resolve(root);
    this.allowOutsideRoot = options.allowOutsideRoot ?? false;
    this.lockTimeoutMs = options.lockTimeoutMs ?? 30_000;
  }

  /** The folder a key names. */
  pathOf(key: string): string {
    if (typeof key !== 'string' || key.trim() === '' || key.includes('\u0000'))
      throw new KdError(
        'KD_INVALID_ARGUMENT',
        `A model key must be a non-empty string without NUL characters, got ${JSON.stringify(key)?.slice(0, 80)}.`,
        {
          key,
        },
      );
    const explicit = key.startsWith('file://') || isAbsolute(key);
    let path: string;
    try {
      path = key.startsWith('file://') ? fileURLToPath(key.replace(/\/model\.json$/, '')) : resolve(this.root, key);
    } catch (cause) {
      throw new KdError('KD_INVALID_ARGUMENT', `Model key "${key}" is not a valid file:// URL.`, { key }, { cause });
    }
    const rel = relative(this.root, path);
    if (rel === '') {
      throw new KdError(
        'KD_INVALID_ARGUMENT',
        `Model key "${key}" names the store's root folder ${this.root} itself, which holds every saved model. Use a name inside it such as "student".`,
        { key, root: this.root },
      );
    }
    const inside = !(rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel));
    if (!inside && !(explicit && this.allowOutsideRoot)) {
      throw new KdError(
        'KD_INVALID_ARGUMENT',
        `Model key "${key}" does not name a folder inside ${this.root}. ` +
          'Use a name such as "student" or "teachers/big"' +
          (explicit ? ', or create the store with { allowOutsideRoot: true } to save and load anywhere' : '') +
          '.',
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
            'The file model store saves JSON model topologies only; this model has a binary (GraphDef) topology. ' +
              'Convert it with tensorflowjs_converter instead.',
            { key },
          );
        }
        const weights =
          artifacts.weightData === undefined ? undefined : tf.io.CompositeArrayBuffer.join(artifacts.weightData);
        const weightsName = `weights.${randomBytes(6).toString('hex')}.bin`;
        const modelJson: tf.io.ModelJSON = {
          modelTopology: artifacts.modelTopology as object,
          ...(artifacts.format !== undefined ? { format: artifacts.format } : {}),
          ...(artifacts.generatedBy !== undefined ? { generatedBy: artifacts.generatedBy } : {}),
          ...(artifacts.convertedBy !== undefined ? { convertedBy: artifacts.convertedBy } : {}),
          weightsManifest: [{ paths: weights ? [weightsName] : [], weights: artifacts.weightSpecs ?? [] }],
          ...(artifacts.trainingConfig ? { trainingConfig: artifacts.trainingConfig } : {}),
          ...(artifacts.signature ? { signature: artifacts.signature } : {}),
          ...(artifacts.userDefinedMetadata ? { userDefinedMetadata: artifacts.userDefinedMetadata } : {}),
          ...(artifacts.modelInitializer ? { modelInitializer: artifacts.modelInitializer } : {}),
          ...(artifacts.initializerSignature ? { initializerSignature: artifacts.initializerSignature } : {}),
        };
        await this.confine(dir, key);
        const before = await inspectFolder(dir, key);
        await mkdir(dir, { recursive: true });
        await withFolderLock(dir, this.lockTimeoutMs, async () => {
          // Looked at again under the lock: another save may have finished meanwhile.
          let state = await inspectFolder(dir, key);
          if (await recoverLegacyLeftovers(dir, state.kind === 'model', leftoversOf(state)))
            state = await inspectFolder(dir, key);
          if (weights) await writeFileSynced(join(dir, weightsName), new Uint8Array(weights));
          const temp = siblingTempPath(join(dir, MODEL_JSON));
          await writeFileSynced(temp, new TextEncoder().encode(JSON.stringify(modelJson)));
          // The one step that switches the key from the old model to the new one.
          await rename(temp, join(dir, MODEL_JSON));
          await syncDir(dir);
          if (before.kind === 'absent') await syncDir(dirname(dir));
          await deleteUnreferenced(dir, state, new Set([weightsName]));
        });
        return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
      },
    };
  }

  loadHandler(key: string): tf.io.IOHandler {
    const dir = this.pathOf(key);
    return {
      load: async (): Promise<tf.io.ModelArtifacts> => {
        await this.confine(dir, key);
        // A save running meanwhile may delete the weights the model.json read first points at;
        // then the new model.json is read again.
        for (let attempt = 0; ; attempt++) {
          const text = await this.readModelJson(dir, key);
          const modelJson = parseModelJson(text, join(dir, MODEL_JSON));
          try {
            return await tf.io.getModelArtifactsForJSON(modelJson, (manifest) => readWeights(dir, key, manifest));
          } catch (error) {
            const replaced = attempt < 3 && (await readFile(join(dir, MODEL_JSON), 'utf8').catch(() => text)) !== text;
            if (!replaced) throw error;
          }
        }
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

  /**
   * Deletes a saved model: its `model.json` first (so the key stops holding a model at once), then
   * its weights files, then the folder if nothing else is in it. Removing a key that holds nothing
   * is not an error; a key whose folder holds something other than a model is refused with
   * `KD_TARGET_EXISTS`, and files kd did not write stay where they are.
   */
  async remove(key: string): Promise<void> {
    const dir = this.pathOf(key);
    await this.confine(dir, key);
    if ((await inspectFolder(dir, key)).kind === 'absent') return;
    await withFolderLock(dir, this.lockTimeoutMs, async () => {
      const state = await inspectFolder(dir, key);
      if (state.kind === 'absent') return;
      if (state.kind === 'model') {
        await unlink(join(dir, MODEL_JSON));
        await syncDir(dir);
      }
      await deleteUnreferenced(dir, state, new Set());
    });
    // Only an empty folder goes; the lock file is gone by now.
    await rmdir(dir).catch(() => undefined);
  }

  private async readModelJson(dir: string, key: string): Promise<string> {
    const path = join(dir, MODEL_JSON);
    try {
      return await readFile(path, 'utf8');
    } catch (cause) {
      const code = (cause as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') {
        throw new KdError(
          'KD_MODEL_INVALID',
          `${path} cannot be read as a model description (${(cause as Error).message}).`,
          { key, path },
          { cause },
        );
      }
      if (await this.restoreOrphan(dir, key)) return this.readModelJson(dir, key);
      const known = await this.list().catch(() => []);
      throw new KdError(
        'KD_MODEL_NOT_FOUND',
        `No model saved under "${key}" (${path} does not exist). Save one there first, or use one of: ${known.join(', ') || '(none in ' + this.root + ')'}.`,
        { key, path: dir },
        { cause },
      );
    }
  }

  /** Puts back a previous model the earlier save orphaned next to an absent key; true if it did. */
  private async restoreOrphan(dir: string, key: string): Promise<boolean> {
    if (!(await hasLegacyOrphan(dir))) return false;
    const state = await inspectFolder(dir, key).catch(() => undefined);
    if (!state || state.kind === 'model') return false;
    await mkdir(dir, { recursive: true });
    const restored = await withFolderLock(dir, this.lockTimeoutMs, async () =>
      recoverLegacyLeftovers(dir, false, leftoversOf(await inspectFolder(dir, key))),
    );
    if (!restored) await rmdir(dir).catch(() => undefined);
    return restored;
  }

  /** Refuses a key that reaches outside the root through a symbolic link on the way. */
  private async confine(dir: string, key: string): Promise<void> {
    if (this.allowOutsideRoot) return;
    const rootReal = await realpath(this.root).catch(() => undefined);
    if (!rootReal) return; // no root yet: nothing under it can be a link
    let probe = dirname(dir);
    while (probe !== dirname(probe) && !(await stat(probe).catch(() => undefined))) probe = dirname(probe);
    const real = await realpath(probe).catch(() => probe);
    const rel = relative(rootReal, real);
    if (rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
      throw new KdError(
        'KD_INVALID_ARGUMENT',
        `Model key "${key}" leads outside ${this.root} through a symbolic link (to ${real}). ` +
          'Use a folder inside the store, or create it with { allowOutsideRoot: true }.',
        { key, root: this.root },
      );
    }
  }
}

function leftoversOf(state: FolderState): string[] {
  return state.kind === 'absent' ? [] : state.leftovers;
}

/**
 * After the switch: deletes the previous model's weights files (only `.bin` files its manifest
 * lists, all checked to lie inside the folder) and what interrupted saves left, keeping `keep`.
 */
async function deleteUnreferenced(dir: string, state: FolderState, keep: Set<string>): Promise<void> {
  if (state.kind === 'absent') return;
  const doomed = new Set<string>();
  if (state.kind === 'model')
    for (const f of state.weightFiles) if (f.endsWith('.bin') && !f.includes('/')) doomed.add(f);
  for (const name of await readdir(dir)) if (isKdWeightsName(name) || isTempName(name)) doomed.add(name);
  for (const name of doomed) if (!keep.has(name)) await unlink(join(dir, name)).catch(() => undefined);
}

async function readWeights(
  dir: string,
  key: string,
  manifest: tf.io.WeightsManifestConfig,
): Promise<[tf.io.WeightsManifestEntry[], ArrayBuffer]> {
  const buffers: ArrayBuffer[] = [];
  const specs: tf.io.WeightsManifestEntry[] = [];
  const files: string[] = [];
  for (const group of manifest) {
    for (const file of group.paths) {
      // parseModelJson has checked every path stays inside the folder.
      const path = join(dir, file);
      files.push(path);
      try {
        const bytes = await readFile(path);
        buffers.push(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
      } catch (cause) {
        throw new KdError(
          'KD_MODEL_INVALID',
          `The weights file ${path} of model "${key}" cannot be read ` +
            `(${(cause as NodeJS.ErrnoException).code ?? (cause as Error).message}). Save the model again.`,
          { key, path },
          { cause },
        );
      }
    }
    specs.push(...group.weights);
  }
  const expected = weightBytes(specs);
  const actual = buffers.reduce((n, b) => n + b.byteLength, 0);
  if (expected !== undefined && expected !== actual) {
    throw new KdError(
      'KD_MODEL_INVALID',
      `The weights of model "${key}" (${files.join(', ')}) hold ${actual} bytes, ` +
        `but ${join(dir, MODEL_JSON)} describes ${expected}: the file is truncated or belongs to another model. ` +
        'Save the model again.',
      { key, path: files[0], expected, actual },
    );
  }
  return [specs, tf.io.CompositeArrayBuffer.join(buffers)];
}
