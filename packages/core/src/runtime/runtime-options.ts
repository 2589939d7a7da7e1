import { KdError } from '../errors/kd-error.js';
import type { ModelStore, TeacherCache } from './types.js';

/** The options every runtime factory takes (each adds its own). */
export interface RuntimeOptions {
  /** Where models are saved and loaded (each runtime has its default). */
  models?: ModelStore;
  /** Where teacher outputs persist between runs (each runtime has its default). */
  cache?: TeacherCache;
}

/**
 * Checks one option value: returns `undefined` when it is acceptable, else what was expected
 * (a phrase such as `"a whole number from 1 to 8"`).
 */
export type OptionRule = (value: unknown) => string | undefined;

/** The rules of {@link RuntimeOptions}, for factories to spread into their own rule sets. */
export const RUNTIME_OPTION_RULES = {
  models: (v: unknown) =>
    hasMethods(v, ['saveHandler', 'loadHandler', 'list', 'remove'])
      ? undefined
      : 'a ModelStore (an object with saveHandler, loadHandler, list and remove)',
  cache: (v: unknown) =>
    hasMethods(v, ['get', 'set', 'delete', 'clear'])
      ? undefined
      : 'a TeacherCache (an object with get, set, delete and clear)',
} satisfies Record<keyof RuntimeOptions, OptionRule>;

/** Ready-made {@link OptionRule}s. */
export const optionRules = {
  boolean: (v: unknown) => (typeof v === 'boolean' ? undefined : 'true or false'),
  string: (v: unknown) => (typeof v === 'string' && v !== '' ? undefined : 'a non-empty string'),
  function: (v: unknown) => (typeof v === 'function' ? undefined : 'a function'),
  /** A whole number in [min, max]. */
  wholeNumber:
    (min: number, max = Number.MAX_SAFE_INTEGER): OptionRule =>
    (v) =>
      typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max
        ? undefined
        : max === Number.MAX_SAFE_INTEGER
          ? `a whole number ≥ ${min}`
          : `a whole number from ${min} to ${max}`,
  /** A finite number ≥ min. */
  finiteNumber:
    (min: number): OptionRule =>
    (v) =>
      typeof v === 'number' && Number.isFinite(v) && v >= min ? undefined : `a finite number ≥ ${min}`,
  /** One of the listed values. */
  oneOf:
    (...allowed: readonly unknown[]): OptionRule =>
    (v) =>
      allowed.includes(v) ? undefined : `one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`,
  /** Any of several rules. */
  either:
    (...rules: OptionRule[]): OptionRule =>
    (v) => {
      const expected = rules.map((r) => r(v));
      return expected.some((e) => e === undefined) ? undefined : expected.join(' or ');
    },
} as const;

/**
 * Validates a runtime factory's options before anything starts: `options` must be an object (or
 * undefined), every key must have a rule, and every value that is not `undefined` must pass its
 * rule. Throws `KD_INVALID_ARGUMENT` naming the factory, the option, what it got and what it
 * expected.
 *
 * @example
 * ```ts
 * const options = validateRuntimeOptions('myRuntime', input, {
 *   ...RUNTIME_OPTION_RULES,
 *   threads: optionRules.wholeNumber(1, 8),
 * });
 * ```
 */
export function validateRuntimeOptions<T extends object>(
  factory: string,
  options: T | undefined,
  rules: { readonly [K in keyof T]-?: OptionRule },
): T {
  if (options === undefined) return {} as T;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new KdError(
      'KD_INVALID_ARGUMENT',
      `${factory}() takes an options object or nothing; got ${describe(options)}.`,
      { factory },
    );
  }
  const known = Object.keys(rules);
  for (const [name, value] of Object.entries(options)) {
    const rule = (rules as Record<string, OptionRule>)[name];
    if (!rule) {
      throw new KdError(
        'KD_INVALID_ARGUMENT',
        `${factory}() has no option "${name}". Its options are: ${known.join(', ')}. Check the spelling, or remove it.`,
        { factory, option: name },
      );
    }
    if (value === undefined) continue;
    const expected = rule(value);
    if (expected !== undefined) {
      throw new KdError(
        'KD_INVALID_ARGUMENT',
        `${factory}({ ${name} }) must be ${expected}; got ${describe(value)}. Pass a valid value or leave the option out for the default.`,
        { factory, option: name, value: typeof value === 'object' ? describe(value) : value },
      );
    }
  }
  return options;
}

function hasMethods(v: unknown, names: string[]): boolean {
  return (
    typeof v === 'object' && v !== null && names.every((n) => typeof (v as Record<string, unknown>)[n] === 'function')
  );
}

function describe(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 80 ? `${v.slice(0, 80)}…` : v);
  if (typeof v === 'function') return 'a function';
  if (Array.isArray(v)) return 'an array';
  if (v === null) return 'null';
  if (typeof v === 'object') return 'an object';
  return String(v);
}
