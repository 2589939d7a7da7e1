/**
 * The one way kd's tests catch a KdError. A test passes the call (or the promise) that must fail
 * and gets the error back to check its code, message or details.
 *
 * It recognises a KdError by its shape (`name === 'KdError'` and a string `code`, like
 * `isKdError`), not by class: tests run against sources and built copies of @kd/core side by
 * side, and this package depends on none of them.
 *
 * @example
 * ```ts
 * expect(kdErrorOf(() => linear({ from: 0, to: Number.NaN })).code).toBe('KD_SCHEDULE_INVALID');
 * const e = await expectKdError(store.load('missing'), 'KD_MODEL_NOT_FOUND');
 * expect(e.message).toContain('missing');
 * ```
 */
import { expect } from 'vitest';

/** What the tests read from a KdError. */
export interface KdErrorLike extends Error {
  readonly name: 'KdError';
  readonly code: string;
  readonly details: Readonly<Record<string, unknown>>;
}

/** True when `e` is shaped like a KdError. */
export function isKdErrorLike(e: unknown): e is KdErrorLike {
  return e instanceof Error && e.name === 'KdError' && typeof (e as { code?: unknown }).code === 'string';
}

type Failing = PromiseLike<unknown> | (() => unknown);

/** A promise of the error when the call returns a promise; the error itself when it throws at once. */
export type KdErrorFrom<R> = [R] extends [never]
  ? KdErrorLike
  : R extends PromiseLike<unknown>
    ? Promise<KdErrorLike>
    : KdErrorLike;

/**
 * The KdError that `fn` throws (or the promise, or the promise `fn` returns, rejects with).
 * Any other error is rethrown as it is, so the test shows it; no error at all fails the test.
 */
export function kdErrorOf(promise: PromiseLike<unknown>): Promise<KdErrorLike>;
export function kdErrorOf<R>(fn: () => R): KdErrorFrom<R>;
export function kdErrorOf(failing: Failing): KdErrorLike | Promise<KdErrorLike> {
  let outcome: unknown;
  if (typeof failing === 'function') {
    try {
      outcome = failing();
    } catch (e) {
      return asKdError(e);
    }
    if (!isThenable(outcome)) throw new Error(`expected a KdError, but the call returned ${shown(outcome)}`);
  } else {
    outcome = failing;
  }
  return Promise.resolve(outcome as PromiseLike<unknown>).then(
    (value) => {
      throw new Error(`expected a KdError, but the promise resolved with ${shown(value)}`);
    },
    (e: unknown) => asKdError(e),
  );
}

/** {@link kdErrorOf}, and the error's code must be `code`. */
export function expectKdError(promise: PromiseLike<unknown>, code: string): Promise<KdErrorLike>;
export function expectKdError<R>(fn: () => R, code: string): KdErrorFrom<R>;
export function expectKdError(failing: Failing, code: string): KdErrorLike | Promise<KdErrorLike> {
  const check = (e: KdErrorLike) => {
    expect(e.code, `expected ${code}; got ${e.code}: ${e.message}`).toBe(code);
    return e;
  };
  const e = kdErrorOf(failing as () => unknown) as KdErrorLike | Promise<KdErrorLike>;
  return e instanceof Promise ? e.then(check) : check(e);
}

function asKdError(e: unknown): KdErrorLike {
  if (isKdErrorLike(e)) return e;
  throw e;
}

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return typeof (v as { then?: unknown } | null)?.then === 'function';
}

function shown(v: unknown): string {
  return v === undefined ? 'undefined' : typeof v === 'object' ? (v?.constructor?.name ?? 'an object') : String(v);
}
