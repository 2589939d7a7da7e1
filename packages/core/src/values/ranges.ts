import { KdError } from '../errors/kd-error.js';

/*
 * The ranges of α and the temperature T, for a loss argument, a value a schedule gives at a step,
 * and a value a search tries: one rule and one code each (`KD_ALPHA_RANGE`, `KD_TEMPERATURE_RANGE`).
 */

/** Where an α or T came from, for the message: e.g. `'the schedule gives'` with a step. */
export interface RangeContext {
  /** Words before the value, e.g. `'Every alpha to search must be in [0, 1]'`; default the bare rule. */
  what?: string;
  /** The training step a schedule gave the value at. */
  step?: number;
}

/** α ∈ [0, 1] (`KD_ALPHA_RANGE`), or undefined. */
export function findAlphaProblem(alpha: unknown, context: RangeContext = {}): KdError | undefined {
  if (typeof alpha === 'number' && alpha >= 0 && alpha <= 1) return undefined;
  const at = context.step === undefined ? '' : ` at step ${context.step}`;
  return new KdError(
    'KD_ALPHA_RANGE',
    `${context.what ?? 'alpha'} must be a number in [0, 1], got ${describe(alpha)}${at}. ` +
      'alpha weighs the ground-truth part: 1 ignores the teacher, 0 ignores the labels.',
    { alpha, value: alpha, ...(context.step === undefined ? {} : { step: context.step }) },
  );
}

/** T finite and > 0 (`KD_TEMPERATURE_RANGE`), or undefined. */
export function findTemperatureProblem(temperature: unknown, context: RangeContext = {}): KdError | undefined {
  if (typeof temperature === 'number' && Number.isFinite(temperature) && temperature > 0) return undefined;
  const at = context.step === undefined ? '' : ` at step ${context.step}`;
  return new KdError(
    'KD_TEMPERATURE_RANGE',
    `${context.what ?? 'temperature'} must be a finite number > 0, got ${describe(temperature)}${at}. ` +
      'Use 1 for no softening; values of 2 to 5 are common.',
    { temperature, value: temperature, ...(context.step === undefined ? {} : { step: context.step }) },
  );
}

/** Throws {@link findAlphaProblem}'s error. */
export function assertAlpha(alpha: unknown, context?: RangeContext): asserts alpha is number {
  const problem = findAlphaProblem(alpha, context);
  if (problem !== undefined) throw problem;
}

/** Throws {@link findTemperatureProblem}'s error. */
export function assertTemperature(temperature: unknown, context?: RangeContext): asserts temperature is number {
  const problem = findTemperatureProblem(temperature, context);
  if (problem !== undefined) throw problem;
}

/**
 * Checks a schedule's value at every step of a run: α in [0, 1] or T > 0, naming the first step
 * that leaves the range.
 */
export function assertScheduledRange(values: readonly number[], what: 'alpha' | 'temperature'): void {
  const find = what === 'alpha' ? findAlphaProblem : findTemperatureProblem;
  for (let step = 0; step < values.length; step++) {
    const problem = find(values[step], { what: `${what} from its schedule`, step });
    if (problem !== undefined) throw problem;
  }
}

/** A value as a message shows it. */
export function describe(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'number' || typeof value === 'boolean' || value === undefined || value === null)
    return String(value);
  return Array.isArray(value) ? 'an array' : `a value of type ${typeof value}`;
}
