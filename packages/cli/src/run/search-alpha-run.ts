import * as tf from '@tensorflow/tfjs-core';
import { toTensors } from '../data/prepare-data.js';
import { runAlphaGrid } from './alpha-search.js';
import { loadDistillInputs, type TeacherStudentOptions } from './distill-inputs.js';
import type { RunMetrics } from '@kd/report';

/** One row of the α search table, as metrics.json's `search.rows` holds it. */
export type SearchRowEntry = NonNullable<RunMetrics['search']>['rows'][number];

/** Options of {@link runSearchAlpha}: the flags of `kd search-alpha`, camelCased. */
export interface SearchAlphaRunOptions extends TeacherStudentOptions {
  /** α values to try (default 0, 0.1, ..., 1). */
  alphas?: number[];
  temperatures?: number[];
  temperature?: number;
  /** Seeds per setting (default 2). */
  seeds?: number;
  metric?: 'val_loss' | 'val_accuracy' | 'val_auc' | 'val_logLoss' | 'val_brier' | 'val_ece';
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
}

/** What {@link runSearchAlpha} returns: the table and the chosen setting. */
export interface SearchAlphaRunResult {
  metric: string;
  mode: 'min' | 'max';
  rows: SearchRowEntry[];
  chosen: { alpha: number; temperature: number };
  validationRows: number;
}

/**
 * `kd search-alpha` as a function: trains one student per (α, T, seed) on the training split and
 * selects on the validation split only; the test split is never used.
 *
 * @example
 * ```ts
 * import { runSearchAlpha } from '@kd/cli';
 * const { rows, chosen } = await runSearchAlpha({
 *   data: 'train.csv', label: 'churned', teacher: ['teachers'], student: 'mlp:8', alphas: [0, 0.5, 1],
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
      teacher: inputs.combined,
      factory: inputs.factory,
      inputShape: inputs.data.preprocessing.inputShape,
      units: inputs.units,
      train,
      validation,
      alphas: options.alphas ?? Array.from({ length: 11 }, (_, i) => i / 10),
      temperatures: options.temperatures ?? [options.temperature ?? 1],
      seeds: Array.from({ length: options.seeds ?? 2 }, (_, i) => seed + i),
      metric: options.metric ?? 'val_loss',
      epochs: options.epochs ?? 20,
      batchSize: options.batchSize ?? 64,
      learningRate: options.learningRate ?? 3e-3,
      ...(options.onEvent ? { onEvent: options.onEvent } : {}),
    });
    return {
      metric: result.metric,
      mode: result.mode,
      rows: result.rows.map((r) => ({
        alpha: r.alpha,
        temperature: r.temperature,
        mean: r.mean,
        std: r.std,
        values: r.values,
      })),
      chosen: { alpha: result.best.alpha, temperature: result.best.temperature },
      validationRows: inputs.data.validation.rows,
    };
  } finally {
    tf.dispose([train.x, train.y, validation.x, validation.y]);
    inputs.loaded.forEach((m) => m.model.dispose());
  }
}
