import * as tf from '@tensorflow/tfjs-core';
import { loadLayersModel } from '@tensorflow/tfjs-layers';
import {
  KdError,
  teacher,
  type GraphModelLike,
  type LayersModelLike,
  type Teacher,
  type TeacherOptions,
} from '@kd/core';
import { BrowserModelStore, type BrowserModelStoreOptions } from './browser-model-store.js';

/** Which kind of saved model a teacher was loaded from. */
export type SavedModelFormat = 'layers-model' | 'graph-model';

/** Options for {@link loadTeacher}. */
export interface LoadTeacherOptions extends TeacherOptions, BrowserModelStoreOptions {
  /**
   * Loads a graph model (a TensorFlow SavedModel or Keras model converted with tfjs-converter).
   * Default: `loadGraphModel` of `@tensorflow/tfjs-converter`, imported when first needed.
   */
  loadGraphModel?: (handler: tf.io.IOHandler) => Promise<GraphModelLike>;
}

/** A teacher loaded by {@link loadTeacher}, with the model behind it. */
export interface LoadedTeacher extends Teacher {
  readonly format: SavedModelFormat;
  readonly model: LayersModelLike | GraphModelLike;
  /** Frees the model's weights. */
  dispose(): void;
}

/**
 * Loads a teacher saved by tfjs (`model.save`) or converted with tfjs-converter, over HTTP
 * (`https://…/model.json`, `/models/teacher/model.json`) or from a browser store key
 * (`indexeddb://teacher`), and wraps it as a {@link Teacher}. Layers models say from their last
 * activation whether they output logits or probabilities; graph models need `output`.
 *
 * @example
 * ```ts
 * const t = await loadTeacher('/models/teacher/model.json');
 * const g = await loadTeacher('https://example.com/resnet/model.json', { output: 'logits' });
 * await distill({ runtime, teacher: t, student, data });
 * t.dispose();
 * ```
 */
export async function loadTeacher(
  source: string | tf.io.IOHandler,
  options: LoadTeacherOptions = {},
): Promise<LoadedTeacher> {
  const handler = typeof source === 'string' ? new BrowserModelStore(options).loadHandler(source) : source;
  if (typeof handler.load !== 'function')
    throw new KdError(
      'KD_INVALID_ARGUMENT',
      'loadTeacher needs a model key, a URL or a tfjs IOHandler with a load() method.',
    );
  const artifacts = await handler.load();
  const format = formatOf(artifacts);
  const where = typeof source === 'string' ? source : 'the IOHandler';
  const name = options.name ?? (typeof source === 'string' ? source : undefined);
  const teacherOptions: TeacherOptions = {
    ...(options.output ? { output: options.output } : {}),
    ...(options.id ? { id: options.id } : {}),
    ...(name !== undefined ? { name } : {}),
  };
  if (format === 'graph-model') {
    if (!options.output) {
      throw new KdError(
        'KD_TEACHER_INVALID',
        `The graph model at ${where} does not say whether it ends in a sigmoid/softmax: ` +
          `pass loadTeacher(url, { output: 'logits' }) or { output: 'probabilities' }.`,
        { source: where },
      );
    }
    const load = options.loadGraphModel ?? defaultLoadGraphModel;
    const model = await load(tf.io.fromMemory(artifacts));
    return withModel(teacher(model, teacherOptions), format, model, () =>
      (model as { dispose?: () => void }).dispose?.(),
    );
  }
  const model = await loadLayersModel(tf.io.fromMemory(artifacts));
  try {
    return withModel(
      teacher(model as unknown as LayersModelLike, teacherOptions),
      format,
      model as unknown as LayersModelLike,
      () => model.dispose(),
    );
  } catch (e) {
    model.dispose();
    throw e;
  }
}

function withModel(
  t: Teacher,
  format: SavedModelFormat,
  model: LayersModelLike | GraphModelLike,
  dispose: () => void,
): LoadedTeacher {
  return {
    get name() {
      return t.name;
    },
    get output() {
      return t.output;
    },
    predictDataset: (x, o) => t.predictDataset(x, o),
    cacheKey: () => t.cacheKey(),
    format,
    model,
    dispose,
  };
}

/** `graph-model` when the artifacts hold a TensorFlow graph, else `layers-model`. */
export function formatOf(artifacts: tf.io.ModelArtifacts): SavedModelFormat {
  if (artifacts.format === 'graph-model') return 'graph-model';
  if (artifacts.format === 'layers-model') return 'layers-model';
  const topology = artifacts.modelTopology as { node?: unknown } | undefined;
  return topology && Array.isArray(topology.node) ? 'graph-model' : 'layers-model';
}

async function defaultLoadGraphModel(handler: tf.io.IOHandler): Promise<GraphModelLike> {
  let converter: { loadGraphModel(h: tf.io.IOHandler): Promise<GraphModelLike> };
  try {
    converter = (await import('@tensorflow/tfjs-converter')) as unknown as typeof converter;
  } catch (cause) {
    throw new KdError(
      'KD_TEACHER_INVALID',
      'Loading a graph model needs @tensorflow/tfjs-converter (4.22.0), ' +
        `which could not be imported: ${(cause as Error)?.message}. ` +
        'Install it, or pass loadTeacher(url, { loadGraphModel }).',
      {},
      { cause },
    );
  }
  return converter.loadGraphModel(handler);
}
