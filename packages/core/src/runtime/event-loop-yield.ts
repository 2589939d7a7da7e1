import { KdError } from '../errors/kd-error.js';

/**
 * Resolves after one trip through the event loop, so timers, I/O callbacks and abort events
 * queued before it run: `setImmediate` where it exists (Node; no 1 ms timer clamp), a
 * `MessageChannel` round trip in browsers and workers (no 4 ms clamp of nested timeouts), else
 * `setTimeout(0)`.
 *
 * @example
 * ```ts
 * for (const chunk of chunks) {
 *   work(chunk);
 *   await yieldToEventLoop();
 * }
 * ```
 */
export function yieldToEventLoop(): Promise<void> {
  const g = globalThis as { setImmediate?: (cb: () => void) => unknown; MessageChannel?: typeof MessageChannel };
  if (typeof g.setImmediate === 'function') {
    const setImmediate = g.setImmediate;
    return new Promise((resolve) => void setImmediate(resolve));
  }
  if (typeof g.MessageChannel === 'function') {
    const channel = new g.MessageChannel();
    return new Promise((resolve) => {
      channel.port1.onmessage = () => {
        channel.port1.close();
        resolve();
      };
      channel.port2.postMessage(null);
    });
  }
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** Options for {@link timeSlicedYield}. */
export interface TimeSlicedYieldOptions {
  /** Milliseconds of work between two yields (default 10). `0` yields at every call. */
  budgetMs?: number;
  /** How one yield is made (default {@link yieldToEventLoop}). */
  yieldOnce?: () => Promise<void>;
}

/** Default work between two yields of a runtime's `nextTick`: short enough for a 50 ms timer to be on time. */
export const DEFAULT_YIELD_BUDGET_MS = 10;

/**
 * A `nextTick` for {@link KdRuntime} that yields only once `budgetMs` of work has passed since
 * the last yield. The training loop calls it after every batch: small batches then run several to
 * a slice instead of paying an event-loop trip each, while timers and `AbortSignal`s still fire
 * within about `budgetMs` of work.
 *
 * @example
 * ```ts
 * const nextTick = timeSlicedYield({ budgetMs: 8 });
 * for (const batch of batches) {
 *   step(batch);
 *   await nextTick(); // yields at most every ~8 ms of work
 * }
 * ```
 */
export function timeSlicedYield(options: TimeSlicedYieldOptions = {}): () => Promise<void> {
  const budgetMs = options.budgetMs ?? DEFAULT_YIELD_BUDGET_MS;
  if (!(typeof budgetMs === 'number' && Number.isFinite(budgetMs) && budgetMs >= 0)) {
    throw new KdError(
      'KD_INVALID_ARGUMENT',
      `budgetMs must be a finite number ≥ 0 (milliseconds of work between yields); got ${String(budgetMs)}.`,
      { budgetMs },
    );
  }
  const yieldOnce = options.yieldOnce ?? yieldToEventLoop;
  let sliceStart = performance.now();
  return async () => {
    if (performance.now() - sliceStart < budgetMs) return;
    await yieldOnce();
    sliceStart = performance.now();
  };
}

/** A `nextTick` that never yields, for runtimes whose steps already give the event loop its turn. */
export function noYield(): Promise<void> {
  return Promise.resolve();
}
