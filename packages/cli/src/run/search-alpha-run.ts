import * as tf from '@tensorflow/tfjs-core';
import { toTensors } from '../data/prepare-data.js';
import { runAlphaGrid, searchEntry, type SearchEntry } from './alpha-search.js';
import { KdError } from '@kd/core';
import { checkEarlyStopping } from './train-model.js';
import {
  extraRowOptions,
  loadDistillInputs,
  type TeacherStudentOptions,
  type TeacherTargets,
} from './distill-inputs.js';

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
  /**
   * Early stopping of every run of the search on its validation log-loss: the epochs in a row
   * without a lower `val_loss` a student may train (≥ 1) before the next such epoch ends it; it
   * keeps the weights of its best validation epoch. Off when undefined.
   */
  earlyStopping?: number;
  batchSize?: number;
  learningRate?: number;
  /** With `transfer`: multiples searched as a third axis, in place of its own (0: no generated rows). */
  transferMultiples?: number[];
}

/** What {@link runSearchAlpha} returns: the table, the chosen setting and the dead runs. */
export interface SearchAlphaRunResult {
  metric: string;
  mode: 'min' | 'max';
  /** Mean ± std over each setting's live runs, with their seeds and how many runs were dead. */
  rows: SearchRowEntry[];
  /** The chosen setting; with `transferMultiples`, its multiple too. */
  chosen: { alpha: number; temperature: number; transferMultiple?: number };
  /** Runs whose student learned nothing: each was re-initialised once with another seed and is in no mean. */
  dead: SearchEntry['dead'];
  validationRows: number;
  /** The soft targets of the training rows: the teachers' out-of-fold outputs, or their own. */
  teacherTargets: TeacherTargets;
  /** The rows without labels every run trained on too: the file's rows and the transfer set (with the multiples searched). */
  unlabeledRows: number;
  transfer: { method: string; multiple: number; seed: number; multiples: number[] } | null;
}

/**
 * `kd search-alpha` as a function: trains one student per (α, T, seed) on the training split and
 * selects on the validation split only; the test split is never used. With `temperatures` it is
 * the joint α × T search; with `transfer` (and `unlabeled`) every run also trains on rows without
 * labels, and `transferMultiples` adds the transfer multiple as a third axis.
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
  const multiples = options.transferMultiples;
  if (multiples && !options.transfer)
    throw new KdError(
      'KD_INVALID_ARGUMENT',
      '--transfer-multiples searches the multiple of --transfer: give --transfer METHOD:MULTIPLE as well (e.g. --transfer munge:1 --transfer-multiples 0,4,10).',
      { option: 'transferMultiples' },
    );
  if (multiples && new Set(multiples).size !== multiples.length)
    throw new KdError(
      'KD_INVALID_ARGUMENT',
      `--transfer-multiples lists a multiple twice (${multiples.join(',')}): give each once.`,
      { option: 'transferMultiples' },
    );
  checkEarlyStopping(options);
  const inputs = await loadDistillInputs(options, multiples ? { transferMultiples: multiples } : {});
  const train = toTensors(inputs.data.train);
  const validation = toTensors(inputs.data.validation);
  const extra = extraRowOptions(inputs.extra);
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
      ...(options.earlyStopping !== undefined ? { earlyStopping: options.earlyStopping } : {}),
      batchSize: options.batchSize ?? 64,
      learningRate: options.learningRate ?? 3e-3,
      extra: extra.options,
      ...(multiples ? { transferMultiples: multiples } : {}),
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
      unlabeledRows: inputs.extra?.unlabeled?.rows ?? 0,
      transfer: inputs.extra?.transfer
        ? {
            method: inputs.extra.transfer.method,
            multiple: inputs.extra.transfer.multiple,
            seed: inputs.extra.transfer.seed ?? 0,
            multiples: multiples ?? [inputs.extra.transfer.multiple],
          }
        : null,
    };
  } finally {
    tf.dispose([train.x, train.y, validation.x, validation.y]);
    extra.dispose();
    inputs.loaded.forEach((m) => m.model.dispose());
  }
}
