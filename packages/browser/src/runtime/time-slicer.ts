import { timeSlicedYield } from '@kd/core';
import { yieldToBrowser } from './yield-to-browser.js';

/** Options for {@link timeSlicer}. */
export interface TimeSlicerOptions {
  /**
   * Milliseconds of work allowed between two yields (default 16, about one frame at 60 Hz).
   * `0` yields at every call.
   */
  budgetMs?: number;
}

/**
 * Returns a `nextTick` for {@link KdRuntime} that yields to the browser only once `budgetMs` of
 * work has passed since the last yield. Training calls it after every batch; small batches then
 * run several to a slice instead of paying one event-loop trip each.
 *
 * @example
 * ```ts
 * const nextTick = timeSlicer({ budgetMs: 8 });
 * for (const batch of batches) {
 *   step(batch);
 *   await nextTick(); // yields at most every ~8 ms of work
 * }
 * ```
 */
export function timeSlicer(options: TimeSlicerOptions = {}): () => Promise<void> {
  return timeSlicedYield({ budgetMs: options.budgetMs ?? 16, yieldOnce: yieldToBrowser });
}
