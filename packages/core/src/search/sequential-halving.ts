import { selectValue } from './select-value.js';
import type { Teacher } from '../teachers/teacher.js';
import { memoryCheckpointStore, type CheckpointStore } from '../trainer/checkpoint-store.js';
import { distill } from '../trainer/distill.js';
import { predictProbabilities } from '../trainer/evaluate.js';
import type { DistillCallbacks, EpochLog } from '../trainer/types.js';
import { deadReason, type DeadReason, type resolveDeadRunOptions } from './dead-run.js';
import type { SearchAlphaOptions, SearchFailure, SearchRun } from './search-alpha.js';
import { runHalving, settingScore, type ResolvedHalving, type SearchHalving } from './successive-halving.js';

/** What {@link searchWithHalving} needs besides the search's options. */
export interface HalvingSearchPlan {
  alphas: number[];
  temperatures: number[];
  seeds: number[];
  metric: string;
  mode: 'min' | 'max';
  halving: ResolvedHalving;
  deadRun: ReturnType<typeof resolveDeadRunOptions>;
  /** Rows per forward pass of the dead-run check. */
  batchSize: number;
}

/** One (α, T, seed) run between rungs: its state lives in a checkpoint of its own. */
interface RunState {
  alpha: number;
  temperature: number;
  seed: number;
  setting: number;
  store: CheckpointStore;
  history: EpochLog[];
  /** Trained to the end (all epochs, or stopped by early stopping or a callback). */
  finished: boolean;
  dead?: DeadReason;
  error?: unknown;
}

/**
 * The sequential search with successive halving: one run at a time, as without it, but each run
 * trains only up to the current rung's epochs. Its state (weights, optimizer, shuffling, history)
 * is kept in a checkpoint, and a run that goes on to the next rung resumes from it: it takes the
 * very steps one uninterrupted run would. A dead run is flagged and left out of its setting's
 * score and mean, but not retried (a retry would start behind the rung).
 */
export async function searchWithHalving(
  options: SearchAlphaOptions,
  teacher: Teacher,
  plan: HalvingSearchPlan,
): Promise<{ runs: SearchRun[]; failed: SearchFailure[]; halving: SearchHalving }> {
  const { alphas, temperatures, seeds, metric, mode, halving } = plan;
  const settings = temperatures.flatMap((temperature) => alphas.map((alpha) => ({ alpha, temperature })));
  const states: RunState[] = settings.flatMap(({ alpha, temperature }, setting) =>
    seeds.map((seed) => ({
      alpha,
      temperature,
      seed,
      setting,
      store: memoryCheckpointStore(),
      history: [],
      finished: false,
    })),
  );
  const runs: SearchRun[] = [];
  const failed: SearchFailure[] = [];
  const total = states.length;
  const valueOf = (s: RunState) => selectValue(s.history, metric, mode, options.select);
  const live = (s: RunState) => s.error === undefined && s.dead === undefined;
  const report = async (ending: RunState[], rung: number | undefined) => {
    for (const s of ending) {
      if (s.error !== undefined) continue;
      const run: SearchRun = {
        alpha: s.alpha,
        temperature: s.temperature,
        seed: s.seed,
        value: valueOf(s),
        epochs: s.history.length,
        ...(s.dead ? { dead: s.dead } : {}),
        ...(rung !== undefined ? { droppedAtRung: rung } : {}),
      };
      runs.push(run);
      await options.onRun?.(run, runs.length + failed.length, total);
    }
  };

  const { rungs } = await runHalving(
    settings.length,
    halving,
    mode,
    async (liveSettings, epochs) => {
      const scores: number[] = [];
      for (const setting of liveSettings) {
        const mine = states.filter((s) => s.setting === setting);
        for (const s of mine) {
          if (s.finished || s.error !== undefined) continue;
          await trainSegment(options, teacher, plan, s, epochs, failed);
        }
        scores.push(settingScore(mine.filter(live).map(valueOf)));
      }
      return scores;
    },
    async (ending, rung, dropped) => {
      const set = new Set(ending);
      await report(
        states.filter((s) => set.has(s.setting)),
        dropped ? rung : undefined,
      );
    },
  );
  // In the order the search without halving makes them: by setting, then seed.
  const order = (r: { alpha: number; temperature: number; seed: number }) =>
    states.findIndex((s) => s.alpha === r.alpha && s.temperature === r.temperature && s.seed === r.seed);
  runs.sort((a, b) => order(a) - order(b));
  failed.sort((a, b) => order(a) - order(b));
  return {
    runs,
    failed,
    halving: {
      eta: halving.eta,
      minEpochs: halving.minEpochs,
      rungs,
      epochsTrained: runs.reduce((sum, r) => sum + r.epochs, 0),
    },
  };
}

/** Trains run `s` from where its checkpoint left it up to `epochs` epochs (or its end). */
async function trainSegment(
  options: SearchAlphaOptions,
  teacher: Teacher,
  plan: HalvingSearchPlan,
  s: RunState,
  epochs: number,
  failed: SearchFailure[],
): Promise<void> {
  const student = options.makeStudent(s.seed);
  const optimizer = options.makeOptimizer?.();
  const controller = new AbortController();
  // Stopping at the rung is an abort after its last epoch: the epoch-end checkpoint is written,
  // and the next rung resumes from it.
  const stopAtRung: DistillCallbacks = {
    onEpochEnd: (log) => {
      if (log.epoch + 1 >= epochs) controller.abort();
    },
  };
  const own =
    options.callbacks === undefined ? [] : Array.isArray(options.callbacks) ? options.callbacks : [options.callbacks];
  try {
    const result = await distill({
      ...options,
      teacher,
      student,
      validation: options.validation,
      alpha: s.alpha,
      temperature: s.temperature,
      seed: s.seed,
      ...(optimizer ? { optimizer } : {}),
      checkpoint: { store: s.store },
      resume: true,
      signal: controller.signal,
      callbacks: [...own, stopAtRung],
    });
    s.history = result.history;
    s.finished = !result.aborted;
    if (plan.deadRun) {
      // The check reads validation predictions only: the search never looks beyond training and validation data.
      const { probs, units } = await predictProbabilities(result.student, options.validation.x, plan.batchSize);
      const dead = deadReason(probs, units, result.history, plan.deadRun);
      if (dead) s.dead = dead;
      else delete s.dead;
    }
  } catch (error) {
    // One failed run (a diverging α, say) must not cost the runs that finished.
    s.error = error;
    failed.push({ alpha: s.alpha, temperature: s.temperature, seed: s.seed, error });
  } finally {
    optimizer?.dispose();
    (student as { dispose?: () => void }).dispose?.();
  }
}
