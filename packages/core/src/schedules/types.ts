/**
 * Where training stands when a schedule is asked for its value.
 *
 * @example
 * ```ts
 * const ctx: ScheduleContext = { step: 250, epoch: 2, totalSteps: 1000, stepsPerEpoch: 100 };
 * cosine({ from: 0.9, to: 0.1 }).valueAt(ctx);
 * ```
 */
export interface ScheduleContext {
  /** Global 0-based optimisation step. */
  step: number;
  /** 0-based epoch. */
  epoch: number;
  /** Steps in the whole run (an integer ≥ 1). */
  totalSteps: number;
  /** Steps in one epoch (an integer ≥ 1). */
  stepsPerEpoch: number;
}

/**
 * What a schedule counts in. With `'step'` the value may change at every step and every position
 * option (`start`, `end`, `every`, `length`, `until`) is a step index; with `'epoch'` the value is
 * held for a whole epoch and those options are epoch indices.
 *
 * @example
 * ```ts
 * linear({ from: 1, to: 0, unit: 'epoch' }); // one value per epoch
 * ```
 */
export type ScheduleUnit = 'step' | 'epoch';

/** Serialised {@link constant} schedule. */
export interface ConstantScheduleJSON {
  kind: 'constant';
  value: number;
}

/** Serialised {@link linear} or {@link cosine} schedule. */
export interface RampScheduleJSON {
  kind: 'linear' | 'cosine';
  from: number;
  to: number;
  start?: number;
  end?: number;
  unit: ScheduleUnit;
}

/** Serialised {@link exponential} schedule: exactly one of `to` and `rate` is present. */
export interface ExponentialScheduleJSON {
  kind: 'exponential';
  from: number;
  to?: number;
  rate?: number;
  start?: number;
  end?: number;
  unit: ScheduleUnit;
}

/** Serialised {@link stepDecay} schedule. */
export interface StepDecayScheduleJSON {
  kind: 'stepDecay';
  initial: number;
  factor: number;
  every: number;
  unit: ScheduleUnit;
}

/** Serialised {@link warmup} schedule. */
export interface WarmupScheduleJSON {
  kind: 'warmup';
  length: number;
  from: number;
  unit: ScheduleUnit;
  then: ScheduleJSON;
}

/** Serialised {@link piecewise} schedule. */
export interface PiecewiseScheduleJSON {
  kind: 'piecewise';
  unit: ScheduleUnit;
  segments: { until: number; schedule: ScheduleJSON }[];
  last: ScheduleJSON;
}

/** Serialised {@link fromFunction} schedule: only the name; the function comes back from a registry. */
export interface FunctionScheduleJSON {
  kind: 'function';
  name: string;
}

/**
 * Plain-object form of any schedule, discriminated by `kind`. Safe for `JSON.stringify`;
 * {@link scheduleFromJSON} turns it back into a {@link Schedule}.
 *
 * @example
 * ```ts
 * const json: ScheduleJSON = { kind: 'linear', from: 0, to: 1, unit: 'step' };
 * ```
 */
export type ScheduleJSON =
  | ConstantScheduleJSON
  | RampScheduleJSON
  | ExponentialScheduleJSON
  | StepDecayScheduleJSON
  | WarmupScheduleJSON
  | PiecewiseScheduleJSON
  | FunctionScheduleJSON;

/** The `kind` of every schedule kd knows. */
export type ScheduleKind = ScheduleJSON['kind'];

/**
 * A value (α, the temperature T, …) as a pure function of where training stands.
 *
 * @example
 * ```ts
 * const alpha: Schedule = cosine({ from: 0.9, to: 0.3 });
 * alpha.valueAt({ step: 0, epoch: 0, totalSteps: 100, stepsPerEpoch: 10 }); // 0.9
 * JSON.stringify(alpha); // '{"kind":"cosine","from":0.9,"to":0.3,"unit":"step"}'
 * ```
 */
export interface Schedule {
  readonly kind: ScheduleKind;
  /** The value at `ctx`. Pure: the same context always gives the same value. */
  valueAt(ctx: ScheduleContext): number;
  /** Plain-object form; {@link scheduleFromJSON} restores it. */
  toJSON(): ScheduleJSON;
}
