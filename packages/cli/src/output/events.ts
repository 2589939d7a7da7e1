import type { EarlyStoppingSummary } from '../run/train-model.js';

/** What a running command reports as it goes; the `kd` command turns these into bars, lines or JSON. */
export type RunEvent =
  | { type: 'note'; message: string }
  | { type: 'warning'; message: string }
  | { type: 'train-begin'; model: string; seed: number; epochs: number; totalSteps: number }
  | { type: 'batch'; model: string; seed: number; step: number; totalSteps: number }
  | {
      type: 'epoch';
      model: string;
      seed: number;
      epoch: number;
      epochs: number;
      loss: number;
      val: Record<string, number>;
    }
  | {
      type: 'train-end';
      model: string;
      seed: number;
      aborted: boolean;
      /** With --early-stopping (and not stopped by Ctrl-C): epochs trained and the epoch whose weights were kept. */
      earlyStopping?: EarlyStoppingSummary;
    }
  | {
      type: 'search-run';
      alpha: number;
      temperature: number;
      /** The run's transfer multiple (searches with --transfer only). */
      transferMultiple?: number;
      seed: number;
      value: number;
      /** With --early-stopping: the epochs the run trained (its value is its best epoch's). */
      epochs?: number;
      done: number;
      total: number;
      /** Set when the run's student learned nothing; it is re-initialised once and left out of the means. */
      dead?: 'constant-predictions' | 'stuck-at-chance';
      /** Set on a re-initialised run: the seed of the dead run it replaces. */
      retryOf?: number;
    };

/** Receives {@link RunEvent}s; the `run*` functions print nothing themselves. */
export type OnEvent = (event: RunEvent) => void;
