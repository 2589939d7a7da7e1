import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { loadGraphModel, type GraphModel } from '@tensorflow/tfjs-converter';
import { KdError, checkModelJson, type OutputKind } from '@kd/core';
import { readPreprocessing, type Preprocessing } from '../data/preprocessing.js';
import { fileLoadHandler, isGraphModelJson, readModelJson } from './file-handler.js';

/** A model loaded from disk or a URL, with what kd knows about it. */
export type LoadedModel = {
  /** Where it came from: a model.json path or URL. */
  source: string;
  /** Display name: the folder name for local models. */
  name: string;
  /** Its preprocessing.json, when it sits beside model.json. */
  preprocessing: Preprocessing | undefined;
  /** Bytes of its weight files as stored (after any quantisation); null for URLs. */
  storedWeightBytes: number | null;
} & ({ kind: 'layers'; model: tfl.LayersModel } | { kind: 'graph'; model: GraphModel; output: OutputKind });

/**
 * Expands a model argument to model.json locations: a URL stays as is; a .json file is itself; a
 * folder holding model.json is one model; a folder of such folders is each of them, sorted.
 */
export function modelLocations(pathOrUrl: string): string[] {
  if (/^https?:\/\//.test(pathOrUrl)) return [pathOrUrl];
  const path = resolve(pathOrUrl.replace(/^file:\/\//, ''));
  if (!existsSync(path))
    throw new KdError('KD_MODEL_NOT_FOUND', `The model ${pathOrUrl} does not exist. Check the path.`, { path });
  if (statSync(path).isFile()) return [path];
  if (existsSync(join(path, 'model.json'))) return [join(path, 'model.json')];
  const inner = readdirSync(path, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(path, e.name, 'model.json')))
    .map((e) => join(path, e.name, 'model.json'))
    .sort();
  if (inner.length === 0)
    throw new KdError(
      'KD_MODEL_NOT_FOUND',
      `${pathOrUrl} holds no model.json, and no folder in it does. Point to a tfjs model folder or its model.json.`,
      { path },
    );
  return inner;
}

/**
 * Loads a tfjs layers or graph model. A graph model does not say whether it ends in a sigmoid /
 * softmax, so `graphOutput` says it (default probabilities, reported through `onNote`).
 *
 * @example
 * ```ts
 * const [loaded] = await Promise.all(modelLocations('teachers/teacher-1').map((p) => loadModel(p)));
 * ```
 */
export async function loadModel(
  location: string,
  options: { graphOutput?: OutputKind; onNote?: (message: string) => void } = {},
): Promise<LoadedModel> {
  const remote = /^https?:\/\//.test(location);
  let graph: boolean;
  if (remote) {
    let json: tf.io.ModelJSON;
    try {
      const response = await fetch(location);
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      json = (await response.json()) as tf.io.ModelJSON;
    } catch (cause) {
      throw new KdError(
        'KD_MODEL_NOT_FOUND',
        `Cannot fetch the model ${location}: ${(cause as Error).message}.`,
        { location },
        { cause },
      );
    }
    // Checked before tfjs fetches the weights: a path may not leave the model's URL folder.
    graph = isGraphModelJson(checkModelJson(json, location));
  } else {
    graph = isGraphModelJson(await readModelJson(location));
  }
  const handler = remote ? location : fileLoadHandler(location);
  const dir = remote ? null : dirname(location);
  const name = dir ? basename(dir) : location;
  const preprocessing = dir ? await readPreprocessing(dir) : undefined;
  const storedWeightBytes = dir ? await weightFileBytes(location) : null;
  try {
    if (graph) {
      const output = options.graphOutput ?? 'probabilities';
      if (!options.graphOutput)
        options.onNote?.(
          `${name} is a graph model, which does not say what it outputs: treating its outputs as probabilities (pass --teacher-output logits if it outputs logits).`,
        );
      return {
        kind: 'graph',
        model: await loadGraphModel(handler),
        output,
        source: location,
        name,
        preprocessing,
        storedWeightBytes,
      };
    }
    return {
      kind: 'layers',
      model: await tfl.loadLayersModel(handler),
      source: location,
      name,
      preprocessing,
      storedWeightBytes,
    };
  } catch (cause) {
    if (cause instanceof KdError) throw cause;
    throw new KdError(
      'KD_MODEL_NOT_FOUND',
      `Cannot load the model ${location}: ${(cause as Error).message}`,
      { location },
      { cause },
    );
  }
}

async function weightFileBytes(modelJsonPath: string): Promise<number> {
  const json = await readModelJson(modelJsonPath);
  let total = 0;
  for (const group of json.weightsManifest)
    for (const file of group.paths) {
      const p = join(dirname(modelJsonPath), file);
      if (existsSync(p)) total += statSync(p).size;
    }
  return total;
}

/** Frees a loaded model's weights. */
export function disposeModel(m: LoadedModel): void {
  m.model.dispose();
}
