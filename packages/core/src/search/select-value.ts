import { KdError } from '../errors/kd-error.js';
import type { EpochLog } from '../trainer/types.js';
import type { SearchAlphaOptions } from './search-alpha.js';

/** The value a search counts from a run's per-epoch values: the last one, or the best finite one. */
export function pickValue(values: number[], mode: 'min' | 'max', how: SearchAlphaOptions['select']): number {
  if (how === 'last') return values[values.length - 1]!;
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0) return Number.NaN;
  return mode === 'max' ? Math.max(...finite) : Math.min(...finite);
}

/** The run's value of `metric` so far, from its epoch logs (see {@link pickValue}). */
export function selectValue(
  history: EpochLog[],
  metric: string,
  mode: 'min' | 'max',
  how: SearchAlphaOptions['select'],
): number {
  const values = history.map((h) => h.val[metric]).filter((v): v is number => v !== undefined);
  if (values.length === 0)
    throw new KdError(
      'KD_INVALID_ARGUMENT',
      `Metric "${metric}" was not logged; add it to metrics (e.g. metrics: ['${metric.slice(4)}']).`,
    );
  return pickValue(values, mode, how);
}
