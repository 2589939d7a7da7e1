import * as tf from '@tensorflow/tfjs-core';
import { toTensors } from '../data/prepare-data.js';
import { runAlphaGrid, searchEntry, type SearchEntry } from './alpha-search.js';
import { loadDistillInputs, type TeacherStudentOptions, type TeacherTargets } from './distill-inputs.js';

/** One row of the α search table, as metrics.json's `search.rows` holds it. */
export type SearchRowEntry = SearchEntry['rows'][number];

/** Options of {@link runSearchAlpha}: the flags of `kd search-alpha`, camelCased. */
export interface SearchAlphaRunOptions extends TeacherStudentOptions {
  /** α values to try (default 0, 0.1, ..., 1). */
  alphas?: number[];
  /** Temperatures searched together with α (`searchDistillation`); without them, α alone at `temperature`. */
  temperatures?: number[];
  temperature?: number;
  /** Seeds per setting (default 2). */
  seeds?: number;
  metric?: 'val_loss' | 'val_accuracy' | 'val_auc' | 'val_logLoss' | 'val_brier' | 'val_ece';
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
}

/** What {@link runSearchAlpha} returns: the table, the chosen setting and the dead runs. */
export interface SearchAlphaRunResult {
  metric: string;
  mode: 'min' | 'max';
  /** Mean ± std over each setting's live runs, with their seeds and how many runs were dead. */
  rows: SearchRowEntry[];
  chosen: { alpha: number; temperature: number };
  /** Runs whose student learned nothing: each was re-initialised once with another seed and is in no mean. */
  dead: SearchEntry['dead'];
  validationRows: number;
  /** The soft targets of the training rows: the teachers' out-of-fold outputs, or their own. */
  teacherTargets: TeacherTargets;
}

/**
 * `kd search-alpha` as a function: trains one student per (α, T, seed) on the training split and
 * selects on the validation split only; the test split is never used. With `temperatures` it is
 * the joint α × T search.
 *
 * @example
 * ```ts
 * import { runSearchAlpha } from '@kd/cli';
 * const { rows, chosen, dead } = await runSearchAlpha({
 *   data: 'train.csv', label: 'churned', teacher: ['teachers'], student: 'mlp:8', alphas: [0, 0.5, 1], temperatures: [1, 4],
 * });
 * ```
 */
export async function runSearchAlpha(options: SearchAlphaRunOptions): Promise<SearchAlphaRunResult> {
  const inputs = await loadDistillInputs(options);
  const train = toTensors(inputs.data.train);
  const validation = toTensors(inputs.data.validation);
  const seed = options.seed ?? 0;
  try {
    const result = await runAlphaGrid({
      runtime: inputs.runtime,
      teacher: inputs.trainingTeacher,
      factory: inputs.factory,
      inputShape: inputs.data.preprocessing.inputShape,
      units: inputs.units,
      train,
      validation,
      alphas: options.alphas ?? Array.from({ length: 11 }, (_, i) => i / 10),
      ...(options.temperatures ? { temperatures: options.temperatures } : {}),
      temperature: options.temperature ?? 1,
      seeds: Array.from({ length: options.seeds ?? 2 }, (_, i) => seed + i),
      metric: options.metric ?? 'val_loss',
      epochs: options.epochs ?? 20,
      batchSize: options.batchSize ?? 64,
      learningRate: options.learningRate ?? 3e-3,
      ...(options.onEvent ? { onEvent: options.onEvent } : {}),
    });
    const entry = searchEntry(result);
    return {
      metric: entry.metric,
      mode: result.mode,
      rows: entry.rows,
      chosen: entry.chosen,
      dead: entry.dead,
      validationRows: inputs.data.validation.rows,
      teacherTargets: inputs.teacherTargets,
    };
  } finally {
    tf.dispose([train.x, train.y, validation.x, validation.y]);
    inputs.loaded.forEach((m) => m.model.dispose());
  }
}
