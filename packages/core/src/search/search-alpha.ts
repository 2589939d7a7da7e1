import * as tf from '@tensorflow/tfjs-core';
import { KdError } from '../errors/kd-error.js';
import { assertAlpha, assertTemperature, requireWholeNumber } from '../values/index.js';
import type { MetricName } from '../metrics/index.js';
import type { Student } from '../students/student.js';
import type { TrainableLayersModel } from '../students/layers-student.js';
import { precomputedTeacher } from '../teachers/precomputed-teacher.js';
import { teacher as asTeacher, type Teacher, type TeacherSource } from '../teachers/teacher.js';
import { computeTeacherOutputs } from '../teachers/teacher-outputs.js';
import { distill } from '../trainer/distill.js';
import { predictProbabilities } from '../trainer/evaluate.js';
import { deadReason, resolveDeadRunOptions, type DeadReason, type DeadRunOptions } from './dead-run.js';
import { searchInParallel } from './parallel-search.js';
import { selectValue } from './select-value.js';
import { searchWithHalving } from './sequential-halving.js';
import {
  resolveHalving,
  type ResolvedHalving,
  type SearchHalving,
  type SuccessiveHalvingOptions,
} from './successive-halving.js';
import { DEFAULT_EPOCHS } from '../trainer/check-options.js';
import { monitorMode } from '../trainer/early-stopping.js';
import type { DistillResult, LabeledData, TrainOptions, TransferOptions, UnlabeledData } from '../trainer/types.js';
import { searchTransferSets, type TransferSet } from './transfer-sets.js';

/** Options for {@link searchAlpha}. */
export interface SearchAlphaOptions extends Omit<
  TrainOptions,
  'student' | 'validation' | 'optimizer' | 'seed' | 'signal'
> {
  teacher: TeacherSource | Teacher;
  /** Builds a fresh student for each run; `seed` seeds its initialisers. */
  makeStudent(seed: number): Student | TrainableLayersModel;
  /** Builds a fresh optimizer for each run (default Adam(1e-3), epsilon 1e-7). */
  makeOptimizer?(): tf.Optimizer;
  /** Required: the selection is made on held-out data. */
  validation: LabeledData;
  /** α values to try (default 0, 0.1, …, 1). */
  alphas?: number[];
  /** Temperatures to try as a second axis (default [1]). */
  temperatures?: number[];
  /** Seeds per setting (default [0, 1, 2]); each seeds the student and the shuffling. */
  seeds?: number[];
  /** What to select on, e.g. `val_auc` (default) or `val_loss`. */
  metric?: 'val_loss' | `val_${MetricName}`;
  /** Which epoch's value counts: the last one, or the best one (default 'best'). */
  select?: 'best' | 'last';
  /** Called after every run, e.g. for a progress display. */
  onRun?(run: SearchRun, done: number, total: number): void | Promise<void>;
  teacherBatchSize?: number;
  /**
   * How dead runs are found (see {@link DeadRunOptions}), or `false` to turn the check off. A dead
   * run is retried once with another seed; the dead run itself never enters a row's mean.
   */
  deadRun?: DeadRunOptions | false;
  /**
   * Train each seed's students side by side in one batched computation (tfjs-layers binary
   * students of Dense, Conv2D, pooling, Flatten, activation and Dropout layers, at temperature 1;
   * see {@link searchInParallel}). Default false. Dead runs are not detected on this path yet: use
   * the default sequential search where that matters.
   */
  parallel?: boolean;
  /** Rows without labels every run trains on as well (see `distill`'s `unlabeled`); labelled once for the whole search. */
  unlabeled?: UnlabeledData;
  /**
   * A transfer set every run trains on as well (see `distill`'s `transfer`), generated and
   * labelled once for the whole search; the same rows in every run (its seed is not the run's).
   */
  transfer?: TransferOptions;
  /** Labels the unlabelled and generated rows (default `teacher`); needed when `teacher` is precomputed. */
  transferTeacher?: TeacherSource | Teacher;
  /**
   * With `transfer`: multiples to try as a third axis next to α and T (replacing
   * `transfer.multiple`). The rows are generated once, for the largest; multiple m trains on the
   * first m × N of them, the rows `transfer: { multiple: m }` would make. Multiple 0 trains on no
   * generated rows (as without `transfer`): the baseline the others are measured against.
   */
  transferMultiples?: number[];
  /**
   * Successive halving (see {@link SuccessiveHalvingOptions}): every setting trains `minEpochs`,
   * only the best 1/eta go on, and so on up to `epochs`. Dropped settings keep their rows, marked
   * with `droppedAtRung`; `best` is always a setting that trained all `epochs`. Default: off.
   */
  successiveHalving?: SuccessiveHalvingOptions;
}

/** One training run of the search. */
export interface SearchRun {
  alpha: number;
  temperature: number;
  /** The run's transfer multiple (with `transfer` only). */
  transferMultiple?: number;
  seed: number;
  value: number;
  epochs: number;
  /** Set when the run was dead (see {@link DeadRunOptions}): it is left out of its row's mean. */
  dead?: DeadReason;
  /** Set on the retry of a dead run: the seed of the dead run it replaces. */
  retryOf?: number;
  /** With successive halving, set when the run's setting was dropped after rung `droppedAtRung` (0 = the first): `epochs` tells how far it trained. */
  droppedAtRung?: number;
}

/** A run of the search that failed; the search goes on with the others. */
export interface SearchFailure {
  alpha: number;
  temperature: number;
  transferMultiple?: number;
  seed: number;
  /** What the run threw (a {@link KdError} such as `KD_TRAINING_DIVERGED`, or the error as thrown). */
  error: unknown;
}

/** One row of the result table: a setting with mean ± std over its seeds. */
export interface SearchRow {
  alpha: number;
  temperature: number;
  /** The setting's transfer multiple (with `transfer` only). */
  transferMultiple?: number;
  /** Mean over the live runs (retries included) with a finite metric; NaN when none did. */
  mean: number;
  std: number;
  /** The metric of each live run of this setting, in run order. */
  values: number[];
  /** The seed of each value in `values` (a retry's own seed). */
  seeds: number[];
  /** How many of this setting's runs were dead, retries included; none of them is in `values`. */
  dead: number;
  /**
   * With successive halving, set when this setting was dropped after rung `droppedAtRung` (0 = the
   * first): its mean is over fewer epochs than the complete rows', and it is never `best`.
   */
  droppedAtRung?: number;
}

/** What {@link searchAlpha} returns. */
export interface SearchAlphaResult {
  metric: string;
  mode: 'min' | 'max';
  rows: SearchRow[];
  /** The row with the best finite mean; never a NaN one. */
  best: SearchRow;
  /** Every run that finished, dead ones and retries included. */
  runs: SearchRun[];
  /** The runs that were dead, in run order (a subset of `runs`). Empty when none was. */
  dead: SearchRun[];
  /** Every run that threw, with its error; the search kept going. Empty when all finished. */
  failed: SearchFailure[];
  /** With successive halving: its rungs and the epochs trained in all. */
  halving?: SearchHalving;
}

/**
 * Finds a good α (and optionally T) by training one student per (α, T, seed) and comparing a
 * validation metric. The teacher's outputs are computed once for the whole search. The search
 * sees training and validation data only: it takes no test data, and refuses a `test` option.
 *
 * A run whose student is dead (constant predictions, or a validation log-loss that never left
 * ln K; see {@link DeadRunOptions}) is flagged in `runs` and `dead` and retried once with another
 * seed; a dead run never enters a row's mean, and each row says how many of its runs were dead.
 *
 * @example
 * ```ts
 * const { rows, best } = await searchAlpha({
 *   runtime, teacher: ensemble(teachers), data, validation,
 *   makeStudent: (seed) => makeTinyMlp(seed),
 *   alphas: [0, 0.25, 0.5, 0.75, 1], seeds: [0, 1], epochs: 5, metric: 'val_auc',
 * });
 * console.table(rows);
 * console.log(`best α = ${best.alpha}`);
 * ```
 */
export async function searchAlpha(options: SearchAlphaOptions): Promise<SearchAlphaResult> {
  const alphas = options.alphas ?? Array.from({ length: 11 }, (_, i) => i / 10);
  const temperatures = options.temperatures ?? [1];
  const seeds = options.seeds ?? [0, 1, 2];
  const metric = options.metric ?? 'val_auc';
  if (alphas.length === 0 || seeds.length === 0 || temperatures.length === 0) {
    throw new KdError('KD_INVALID_ARGUMENT', 'searchAlpha needs at least one alpha, one temperature and one seed.');
  }
  for (const a of alphas) assertAlpha(a, { what: 'Every alpha to search' });
  for (const t of temperatures) assertTemperature(t, { what: 'Every temperature to search' });
  const teacherBatchSize = requireWholeNumber('teacherBatchSize', options.teacherBatchSize ?? 256, {
    min: 1,
    where: 'searchAlpha',
  });
  if (!options.validation)
    throw new KdError('KD_INVALID_ARGUMENT', 'searchAlpha needs validation data ({ x, y }) to select on.');
  if ('test' in options || 'testData' in options)
    throw new KdError(
      'KD_INVALID_ARGUMENT',
      'searchAlpha never sees test data: choices made on it would make the test score optimistic. ' +
        'Pass training data as data and held-out data as validation, and evaluate on the test set after the search.',
    );
  const deadRun = resolveDeadRunOptions(options.deadRun);
  const mode = monitorMode(metric);
  const halving =
    options.successiveHalving === undefined
      ? undefined
      : resolveHalving(
          options.successiveHalving,
          requireWholeNumber('epochs', options.epochs ?? DEFAULT_EPOCHS, { min: 1, where: 'searchAlpha' }),
        );
  if (halving && !options.parallel && (options.checkpoint !== undefined || options.resume))
    throw new KdError(
      'KD_INVALID_ARGUMENT',
      'searchAlpha with successiveHalving keeps each run in a checkpoint of its own between rungs: leave out checkpoint and resume.',
    );

  if (options.parallel && (options.unlabeled || options.transfer))
    throw new KdError(
      'KD_INVALID_ARGUMENT',
      'searchAlpha({ parallel: true }) trains on labelled rows only: leave parallel out to search with unlabeled or transfer rows.',
    );
  if (halving && (options.unlabeled || options.transfer))
    throw new KdError(
      'KD_INVALID_ARGUMENT',
      'searchAlpha with successiveHalving trains on labelled rows only: leave successiveHalving out to search with unlabeled or transfer rows.',
    );

  await options.runtime.init();
  const searchTeacher = asTeacher(options.teacher);
  const owned: tf.Tensor[] = [];
  try {
    const sets = await searchTransferSets(options, searchTeacher, teacherBatchSize, owned);
    return await searchOver(options, searchTeacher, sets, {
      alphas,
      temperatures,
      seeds,
      metric,
      mode,
      deadRun,
      teacherBatchSize,
      ...(halving ? { halving } : {}),
    });
  } finally {
    tf.dispose(owned);
  }
}

/** The grid of α, T and the transfer sets, with everything {@link searchAlpha} resolved. */
interface SearchGrid {
  alphas: number[];
  temperatures: number[];
  seeds: number[];
  metric: string;
  mode: 'min' | 'max';
  deadRun: ReturnType<typeof resolveDeadRunOptions>;
  teacherBatchSize: number;
  halving?: ResolvedHalving;
}

async function searchOver(
  options: SearchAlphaOptions,
  searchTeacher: Teacher,
  sets: TransferSet[],
  grid: SearchGrid,
): Promise<SearchAlphaResult> {
  const { alphas, temperatures, seeds, metric, mode, deadRun, teacherBatchSize, halving } = grid;
  const outputs = await computeTeacherOutputs(options.runtime, searchTeacher, options.data.x, {
    batchSize: teacherBatchSize,
  });
  if (options.parallel) {
    let found;
    try {
      found = await searchInParallel(options, {
        alphas,
        seeds,
        metric,
        mode,
        teacher: { values: outputs.values, kind: outputs.kind },
        ...(halving ? { halving } : {}),
      });
    } finally {
      outputs.values.dispose();
    }
    return summariseSearch(found.runs, found.failed, alphas, temperatures, metric, mode, sets, found.halving);
  }
  const values = (await outputs.values.data()) as Float32Array;
  const cached = precomputedTeacher(values, {
    output: outputs.kind,
    name: 'search-teacher',
    shape: outputs.values.shape,
  });
  outputs.values.dispose();
  if (halving) {
    const plan = { alphas, temperatures, seeds, metric, mode, halving, deadRun, batchSize: teacherBatchSize };
    const found = await searchWithHalving(options, cached, plan);
    return summariseSearch(found.runs, found.failed, alphas, temperatures, metric, mode, sets, found.halving);
  }

  const runs: SearchRun[] = [];
  const failed: SearchFailure[] = [];
  let total = alphas.length * temperatures.length * seeds.length * sets.length;
  const attempt = async (
    alpha: number,
    temperature: number,
    seed: number,
    set: TransferSet,
    retryOf?: number,
  ): Promise<SearchRun | undefined> => {
    const multiple = set.multiple !== undefined ? { transferMultiple: set.multiple } : {};
    let outcome: RunOutcome;
    try {
      outcome = await trainOne(options, cached, alpha, temperature, seed, deadRun, teacherBatchSize, set);
    } catch (error) {
      // One failed run (a diverging α, say) must not cost the runs that finished.
      failed.push({ alpha, temperature, ...multiple, seed, error });
      return undefined;
    }
    const run: SearchRun = {
      alpha,
      temperature,
      ...multiple,
      seed,
      value: selectValue(outcome.result.history, metric, mode, options.select),
      epochs: outcome.result.history.length,
      ...(outcome.dead ? { dead: outcome.dead } : {}),
      ...(retryOf !== undefined ? { retryOf } : {}),
    };
    runs.push(run);
    await options.onRun?.(run, runs.length + failed.length, total);
    return run;
  };
  for (const set of sets) {
    for (const temperature of temperatures) {
      for (const alpha of alphas) {
        for (const seed of seeds) {
          const run = await attempt(alpha, temperature, seed, set);
          if (run?.dead && deadRun) {
            // Once only: a setting that kills every student should show up as dead, not loop.
            total++;
            await attempt(alpha, temperature, deadRun.reseed(seed), set, seed);
          }
        }
      }
    }
  }
  return summariseSearch(runs, failed, alphas, temperatures, metric, mode, sets);
}

function summariseSearch(
  runs: SearchRun[],
  failed: SearchFailure[],
  alphas: number[],
  temperatures: number[],
  metric: string,
  mode: 'min' | 'max',
  sets: TransferSet[] = [{ runOptions: {} }],
  halving?: SearchHalving,
): SearchAlphaResult {
  if (runs.length === 0) throw failed[0]!.error;
  const rows = sets.flatMap((set) =>
    summarise(
      runs.filter((r) => r.transferMultiple === set.multiple),
      alphas,
      temperatures,
    ).map((row) => (set.multiple !== undefined ? { ...row, transferMultiple: set.multiple } : row)),
  );
  // Successive halving's dropped settings trained fewer epochs: they are never chosen.
  const finite = rows.filter((r) => Number.isFinite(r.mean) && r.droppedAtRung === undefined);
  if (finite.length === 0 && runs.every((r) => r.dead)) {
    throw new KdError(
      'KD_SEARCH_ALL_DEAD',
      `searchAlpha: every run's student was dead (constant predictions or a validation log-loss stuck at chance), ` +
        'retries included, so no setting can be chosen. Lower the learning rate, check the input scaling, ' +
        'or check that the student can represent anything but a constant.',
      { dead: runs.map((r) => ({ alpha: r.alpha, temperature: r.temperature, seed: r.seed, reason: r.dead })) },
    );
  }
  if (finite.length === 0) {
    throw new KdError(
      'KD_DATA_INVALID',
      `searchAlpha: ${metric} was not a finite number in any run, so no setting can be chosen. ` +
        (metric.endsWith('auc') ? 'AUC is undefined when the validation labels hold one class only; ' : '') +
        'check the validation data or select on val_loss.',
      { metric, runs },
    );
  }
  const best = finite.reduce((a, b) => (better(b.mean, a.mean, mode) ? b : a));
  return {
    metric,
    mode,
    rows,
    best,
    runs,
    dead: runs.filter((r) => r.dead !== undefined),
    failed,
    ...(halving ? { halving } : {}),
  };
}

interface RunOutcome {
  result: DistillResult;
  dead?: DeadReason;
}

async function trainOne(
  options: SearchAlphaOptions,
  cached: Teacher,
  alpha: number,
  temperature: number,
  seed: number,
  deadRun: ReturnType<typeof resolveDeadRunOptions>,
  batchSize: number,
  set: TransferSet,
): Promise<RunOutcome> {
  const student = options.makeStudent(seed);
  const optimizer = options.makeOptimizer?.();
  // The search's own transfer options become each run's labelled-once rows (set.runOptions).
  const { unlabeled: _u, transfer: _t, transferTeacher: _tt, transferMultiples: _m, ...runOptions } = options;
  try {
    const result = await distill({
      ...runOptions,
      ...set.runOptions,
      teacher: cached,
      student,
      validation: options.validation,
      alpha,
      temperature,
      seed,
      ...(optimizer ? { optimizer } : {}),
    });
    if (!deadRun) return { result };
    // The check reads validation predictions only: the search never looks beyond training and validation data.
    const { probs, units } = await predictProbabilities(result.student, options.validation.x, batchSize);
    const dead = deadReason(probs, units, result.history, deadRun);
    return dead ? { result, dead } : { result };
  } finally {
    optimizer?.dispose();
    (student as { dispose?: () => void }).dispose?.();
  }
}

function better(a: number, b: number, mode: 'min' | 'max'): boolean {
  if (Number.isNaN(b)) return !Number.isNaN(a);
  return mode === 'max' ? a > b : a < b;
}

function summarise(runs: SearchRun[], alphas: number[], temperatures: number[]): SearchRow[] {
  const rows: SearchRow[] = [];
  for (const temperature of temperatures) {
    for (const alpha of alphas) {
      const mine = runs.filter((r) => r.alpha === alpha && r.temperature === temperature);
      const live = mine.filter((r) => r.dead === undefined && Number.isFinite(r.value));
      const values = live.map((r) => r.value);
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      // Sample standard deviation (n − 1); 0 for a single seed.
      const std =
        values.length > 1 ? Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1)) : 0;
      rows.push({
        alpha,
        temperature,
        mean,
        std,
        values,
        seeds: live.map((r) => r.seed),
        dead: mine.filter((r) => r.dead !== undefined).length,
        ...droppedAt(mine),
      });
    }
  }
  return rows;
}

/** A setting's rung of successive halving, when it was dropped (all its runs carry it). */
function droppedAt(runs: SearchRun[]): { droppedAtRung?: number } {
  const rung = runs.find((r) => r.droppedAtRung !== undefined)?.droppedAtRung;
  return rung === undefined ? {} : { droppedAtRung: rung };
}
