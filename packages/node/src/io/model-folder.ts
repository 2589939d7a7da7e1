import { lstat, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type * as tf from '@tensorflow/tfjs-core';
import { checkWeightPaths, KdError, parseModelJson } from '@kd/core';
import { isTempName } from './atomic-write.js';
import { LOCK_NAME } from './folder-lock.js';

export const MODEL_JSON = 'model.json';

/** Weights files kd writes: one fresh name per save, so the previous model stays whole until replaced. */
export function isKdWeightsName(name: string): boolean {
  return /^weights\.[0-9a-f]{12}\.bin$/.test(name);
}

/** Names kd itself leaves in a model folder when a save is interrupted. */
export function isLeftoverName(name: string): boolean {
  return isTempName(name) || isKdWeightsName(name) || name === LOCK_NAME;
}

/** What a save or remove found at a key's folder. */
export type FolderState =
  | { kind: 'absent' }
  | { kind: 'empty'; leftovers: string[] }
  | { kind: 'model'; json: tf.io.ModelJSON; weightFiles: string[]; leftovers: string[] };

/**
 * Looks at what is at `dir` before kd writes or deletes there. Only three things may be replaced:
 * nothing, a folder holding only what an interrupted kd save leaves, or a tfjs model folder (a
 * readable `model.json`). Anything else — a file, a link, a folder of other files, a `model.json`
 * that is not a model — is the user's, and is refused with `KD_TARGET_EXISTS`.
 */
export async function inspectFolder(dir: string, key: string): Promise<FolderState> {
  const refuse = (what: string): never => {
    throw new KdError(
      'KD_TARGET_EXISTS',
      `The model key "${key}" points at ${dir}, which ${what}. ` +
        'kd only replaces or removes a folder holding a saved model, and never deletes other files. ' +
        'Choose another key, or move that away yourself.',
      { key, path: dir },
    );
  };
  let stat;
  try {
    stat = await lstat(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'absent' };
    throw error;
  }
  if (stat.isSymbolicLink()) return refuse('is a symbolic link');
  if (!stat.isDirectory()) return refuse('is a file, not a model folder');
  const names = await readdir(dir);
  const leftovers = names.filter(isLeftoverName);
  if (!names.includes(MODEL_JSON)) {
    if (leftovers.length === names.length) return { kind: 'empty', leftovers };
    return refuse(
      `is a folder with other contents (${preview(names.filter((n) => !isLeftoverName(n)))}) and no model.json`,
    );
  }
  let json: tf.io.ModelJSON;
  try {
    json = parseModelJson(await readFile(join(dir, MODEL_JSON), 'utf8'), join(dir, MODEL_JSON));
  } catch (error) {
    return refuse(`holds a model.json that is not a readable tfjs model (${(error as Error).message.slice(0, 200)})`);
  }
  const weightFiles = checkWeightPaths(json.weightsManifest ?? [], join(dir, MODEL_JSON));
  return { kind: 'model', json, weightFiles, leftovers };
}

function preview(names: string[]): string {
  const shown = names.slice(0, 3).map((n) => JSON.stringify(n.length > 40 ? `${n.slice(0, 37)}...` : n));
  return names.length > 3 ? `${shown.join(', ')} and ${names.length - 3} more` : shown.join(', ');
}
