import * as tf from '@tensorflow/tfjs-core';
import { KdError, type OutputKind } from '@kd/core';
import { countClasses, dataFormat, readDataset } from '../data/dataset.js';
import { applyPreprocessing, checkCompatible } from '../data/preprocessing.js';
import { loadModel, modelLocations } from '../models/load-model.js';
import type { OnEvent } from '../output/events.js';
import type { TestMetrics } from '@kd/report';
import { startRuntime, type RuntimeName } from './runtimes.js';
import { plainTeacher } from './teachers.js';
import { teacherProbabilities, testMetrics } from './test-metrics.js';

/** Options of {@link runEvaluate}: the flags of `kd evaluate`, camelCased. */
export interface EvaluateRunOptions {
  /** Model folder or model.json. */
  model: string;
  data: string;
  label?: string;
  features?: string[];
  classes?: string[];
  imageSize?: [number, number];
  teacherOutput?: OutputKind;
  runtime?: RuntimeName;
  onEvent?: OnEvent;
}

/** What {@link runEvaluate} returns. */
export interface EvaluateRunResult {
  model: string;
  rows: number;
  metrics: TestMetrics;
  /** Whether the model's preprocessing.json was applied. */
  preprocessed: boolean;
}

/**
 * `kd evaluate` as a function: the five metrics of a model on every row of a data file, after
 * the preprocessing saved with the model (feature order, standardisation).
 *
 * @example
 * ```ts
 * import { runEvaluate } from '@kd/cli';
 * const { metrics } = await runEvaluate({ model: 'run/student', data: 'holdout.csv', label: 'churned' });
 * ```
 */
export async function runEvaluate(options: EvaluateRunOptions): Promise<EvaluateRunResult> {
  dataFormat(options.data);
  const locations = modelLocations(options.model);
  if (locations.length !== 1)
    throw new KdError(
      'KD_INVALID_ARGUMENT',
      `--model ${options.model} holds ${locations.length} models; name one of them.`,
    );
  await startRuntime(options.runtime ?? 'wasm');
  const loaded = await loadModel(locations[0]!, {
    ...(options.teacherOutput ? { graphOutput: options.teacherOutput } : {}),
    onNote: (message) => options.onEvent?.({ type: 'note', message }),
  });
  try {
    const p = loaded.preprocessing;
    const features = options.features ?? p?.features ?? undefined;
    const data = await readDataset({
      data: options.data,
      ...((options.label ?? p?.label) ? { label: (options.label ?? p?.label)! } : {}),
      ...(features ? { features } : {}),
      ...((options.classes ?? p?.classes) ? { classes: (options.classes ?? p?.classes)! } : {}),
      ...(options.imageSize
        ? { imageSize: options.imageSize }
        : p?.image
          ? { imageSize: [p.image.height, p.image.width] }
          : {}),
    });
    if (p) checkCompatible(p, data, options.model);
    countClasses([data], options.data);
    const x = tf.tensor(p ? applyPreprocessing(p, data.x) : data.x, [data.rows, ...data.featureShape], 'float32');
    try {
      const t = plainTeacher(loaded, loaded.name);
      const probs = await teacherProbabilities(t, x);
      return { model: loaded.source, rows: data.rows, metrics: testMetrics(probs, data.y), preprocessed: Boolean(p) };
    } finally {
      x.dispose();
    }
  } finally {
    loaded.model.dispose();
  }
}
