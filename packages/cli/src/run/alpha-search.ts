import type * as tf from '@tensorflow/tfjs-core';
import {
  isKdError,
  KdError,
  layersStudent,
  searchAlpha,
  searchDistillation,
  type KdRuntime,
  type SearchAlphaOptions,
  type SearchAlphaResult,
  type Teacher,
  type TransferOptions,
} from '@kd/core';
import type { DeadSearchRun, RunMetrics } from '@kd/report';
import type { ModelFactory } from '../models/model-spec.js';
import type { OnEvent } from '../output/events.js';
import { earlyStoppingOptions } from './train-model.js';

/** α values `--search-alpha` tries when given no list: 0, 0.1, ..., 1. */
export const DEFAULT_ALPHAS = Array.from({ length: 11 }, (_, i) => Math.round(i * 10) / 100);

/** The search as metrics.json (and `kd search-alpha --json`) record it. */
export type SearchEntry = NonNullable<RunMetrics['search']>;

/**
 * Runs the α search on the validation split, or with `temperatures` the joint α × T search
 * (`searchDistillation`), and reports each run. Dead runs (students that learned nothing) are
 * re-initialised once and left out of the means; a search whose every run was dead fails with
 * `KD_SEARCH_ALL_DEAD` and a message in the command's terms.
 */
export async function runAlphaGrid(args: {
  runtime: KdRuntime;
  teacher: Teacher;
  factory: ModelFactory;
  inputShape: number[];
  units: number;
  train: { x: tf.Tensor; y: tf.Tensor };
  validation: { x: tf.Tensor; y: tf.Tensor };
  alphas: number[];
  /** Temperatures searched together with α; without them, α alone at `temperature`. */
  temperatures?: number[];
  temperature: number;
  seeds: number[];
  metric: 'val_loss' | `val_${'accuracy' | 'auc' | 'logLoss' | 'brier' | 'ece'}`;
  epochs: number;
  /** Early stopping of every run on val_loss with this patience (see {@link earlyStoppingOptions}); off when undefined. */
  earlyStopping?: number;
  batchSize: number;
  learningRate: number;
  /** Rows without labels every run trains on too (see {@link extraRowOptions}). */
  extra?: { unlabeled?: { x: tf.Tensor }; transfer?: TransferOptions; transferTeacher?: Teacher };
  /** With `extra.transfer`: the multiples searched as a third axis (0: no generated rows). */
  transferMultiples?: number[];
  onEvent?: OnEvent;
}): Promise<SearchAlphaResult> {
  const options: SearchAlphaOptions = {
    runtime: args.runtime,
    teacher: args.teacher,
    makeStudent: (seed) =>
      layersStudent(args.factory({ inputShape: args.inputShape, units: args.units, seed, name: `search_${seed}` })),
    data: args.train,
    validation: args.validation,
    alphas: args.alphas,
    seeds: args.seeds,
    metric: args.metric,
    epochs: args.epochs,
    ...(args.earlyStopping !== undefined ? { earlyStopping: earlyStoppingOptions(args.earlyStopping) } : {}),
    batchSize: args.batchSize,
    learningRate: args.learningRate,
    ...args.extra,
    ...(args.transferMultiples ? { transferMultiples: args.transferMultiples } : {}),
    onRun: (run, done, total) =>
      args.onEvent?.({
        type: 'search-run',
        alpha: run.alpha,
        temperature: run.temperature,
        ...(run.transferMultiple !== undefined ? { transferMultiple: run.transferMultiple } : {}),
        seed: run.seed,
        value: run.value,
        ...(args.earlyStopping !== undefined ? { epochs: run.epochs } : {}),
        done,
        total,
        ...(run.dead ? { dead: run.dead } : {}),
        ...(run.retryOf !== undefined ? { retryOf: run.retryOf } : {}),
      }),
  };
  try {
    return args.temperatures
      ? await searchDistillation({ ...options, temperatures: args.temperatures })
      : await searchAlpha({ ...options, temperatures: [args.temperature] });
  } catch (error) {
    if (!isKdError(error, 'KD_SEARCH_ALL_DEAD')) throw error;
    const runs = (error.details as { dead?: unknown[] } | undefined)?.dead?.length ?? 0;
    throw new KdError(
      'KD_SEARCH_ALL_DEAD',
      `Every student of the search learned nothing (constant predictions, or a validation log-loss stuck at chance): all ${runs} runs, each dead one re-initialised once with another seed (those included), so no setting can be chosen. Try a lower --learning-rate, --standardize, or another --student.`,
      error.details,
      { cause: error },
    );
  }
}

/** A search result as recorded: rows with their seeds and dead counts, the chosen point, the dead runs. */
export function searchEntry(result: SearchAlphaResult): SearchEntry {
  return {
    metric: result.metric,
    rows: result.rows.map((r) => ({
      alpha: r.alpha,
      temperature: r.temperature,
      ...(r.transferMultiple !== undefined ? { transferMultiple: r.transferMultiple } : {}),
      mean: finiteOrNull(r.mean),
      std: finiteOrNull(r.std),
      values: r.values,
      seeds: r.seeds,
      dead: r.dead,
    })),
    chosen: {
      alpha: result.best.alpha,
      temperature: result.best.temperature,
      ...(result.best.transferMultiple !== undefined ? { transferMultiple: result.best.transferMultiple } : {}),
    },
    dead: result.dead.map((d): DeadSearchRun => {
      const retry = result.runs.find(
        (r) =>
          r.retryOf === d.seed &&
          r.alpha === d.alpha &&
          r.temperature === d.temperature &&
          r.transferMultiple === d.transferMultiple,
      );
      return {
        alpha: d.alpha,
        temperature: d.temperature,
        ...(d.transferMultiple !== undefined ? { transferMultiple: d.transferMultiple } : {}),
        seed: d.seed,
        reason: d.dead!,
        ...(d.retryOf !== undefined ? { retryOf: d.retryOf } : {}),
        ...(retry ? { retriedWith: retry.seed } : {}),
      };
    }),
  };
}

function finiteOrNull(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}
