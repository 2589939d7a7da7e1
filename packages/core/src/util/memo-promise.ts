/** A memoised async computation: {@link memoPromise}'s result. */
export interface MemoPromise<T> {
  /** The settled or pending promise of the first successful start; starts it when there is none. */
  (): Promise<T>;
  /** Forgets the current promise (settled or not), so the next call starts afresh. */
  reset(): void;
  /** Whether a promise is held now (pending or fulfilled). */
  readonly started: boolean;
}

/**
 * Memoises a promise and forgets it when it rejects: concurrent and later callers share one
 * start, and a failed start (a backend that was missing, a database that could not open) can be
 * retried by calling again instead of replaying the old rejection forever.
 *
 * @example
 * ```ts
 * const open = memoPromise(() => openDatabase('kd'));
 * const db = await open(); // opens once
 * await open(); // the same database, no second open
 * ```
 */
export function memoPromise<T>(start: () => T | Promise<T>): MemoPromise<T> {
  let held: Promise<T> | undefined;
  const get = (): Promise<T> => {
    if (held) return held;
    // Promise.resolve().then() turns a synchronous throw of start() into a rejection too.
    const p = Promise.resolve().then(start);
    held = p;
    p.catch(() => {
      if (held === p) held = undefined;
    });
    return p;
  };
  return Object.defineProperties(get, {
    reset: {
      value: () => {
        held = undefined;
      },
    },
    started: { get: () => held !== undefined },
  }) as MemoPromise<T>;
}
