import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { KdError, type KdRuntime, type Student, type TrainableLayersModel } from '@kd/core';
import { isStudent } from '@kd/core/internal';
import { predictValues } from './predict.js';

type Buildable = Student | TrainableLayersModel;

/** Options of {@link exportAndReload}. */
export interface ExportReloadOptions {
  runtime: KdRuntime;
  /** The model to export (typically trained for a few steps first). */
  model: Buildable;
  /**
   * Builds a fresh model of the same architecture, for students that reload by loading saved
   * weights into a new instance (`customStudent`'s `loadWeights`). Layers models reload from
   * their saved topology and do not need it.
   */
  rebuild?: () => Buildable | Promise<Buildable>;
  /** Inputs to compare predictions on. */
  x: tf.Tensor;
  /** Store key; a unique one is made when absent. */
  key?: string;
}

/** Predictions of the original and of the reloaded model, on the same inputs. */
export interface ExportReloadResult {
  key: string;
  before: number[];
  after: number[];
}

let counter = 0;

function isLayersModel(m: Buildable): m is TrainableLayersModel {
  return !isStudent(m) && Array.isArray((m as TrainableLayersModel).layers);
}

/**
 * Saves a model through `runtime.models`, loads it back, and predicts with both. Layers models
 * (and `layersStudent`s) reload with `tf.loadLayersModel`; other students need `rebuild` and a
 * `loadWeights(handler)` method, as `customStudent` has. The stored entry is removed afterwards.
 */
export async function exportAndReload(options: ExportReloadOptions): Promise<ExportReloadResult> {
  const { runtime, model, x } = options;
  const key = options.key ?? `kd-conformance-${Date.now().toString(36)}-${++counter}`;
  const before = await predictValues(model, x);
  await model.save(runtime.models.saveHandler(key));
  let reloaded: Buildable | undefined;
  try {
    reloaded = await reload(options, key);
    const after = await predictValues(reloaded, x);
    return { key, before, after };
  } finally {
    reloaded?.dispose();
    await runtime.models.remove(key);
  }
}

async function reload(options: ExportReloadOptions, key: string): Promise<Buildable> {
  const handler = options.runtime.models.loadHandler(key);
  if (isLayersModel(options.model)) return (await tfl.loadLayersModel(handler)) as unknown as TrainableLayersModel;
  if (options.rebuild) {
    const fresh = await options.rebuild();
    const loadWeights = (fresh as { loadWeights?: (h: tf.io.IOHandler) => Promise<void> }).loadWeights;
    if (typeof loadWeights === 'function') {
      await loadWeights.call(fresh, handler);
      return fresh;
    }
    fresh.dispose();
  }
  // A layersStudent saves a layers model: its topology is enough to rebuild it.
  const artifacts = await handler.load?.();
  if (artifacts?.modelTopology && artifacts.format !== 'kd-custom-student') {
    return (await tfl.loadLayersModel(tf.io.fromMemory(artifacts))) as unknown as TrainableLayersModel;
  }
  throw new KdError(
    'KD_STUDENT_INVALID',
    `Student "${options.model.name}" was saved but cannot be reloaded: ` +
      'give a way to build a fresh instance whose loadWeights(handler) restores it ' +
      '(customStudent students have loadWeights), or use a tfjs-layers model.',
  );
}
