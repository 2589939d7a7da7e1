import { isKdError, KdError } from '../errors/kd-error.js';
import { constant } from './constant.js';
import { cosine } from './cosine.js';
import { exponential, type ExponentialScheduleOptions } from './exponential.js';
import { fromFunction, type ScheduleFunction } from './from-function.js';
import { linear, type RampScheduleOptions } from './linear.js';
import { piecewise, type PiecewiseSegment } from './piecewise.js';
import { describe, scheduleError } from './schedule-error.js';
import { stepDecay, type StepDecayScheduleOptions } from './step-decay.js';
import type { Schedule, ScheduleKind, ScheduleUnit } from './types.js';
import { warmup } from './warmup.js';

/** Options of {@link scheduleFromJSON}. */
export interface ScheduleFromJSONOptions {
  /** Functions of {@link fromFunction} schedules, by the name they were created with. */
  functions?: Record<string, ScheduleFunction>;
}

/** Every `kind` that {@link scheduleFromJSON} understands. */
export const SCHEDULE_KINDS: readonly ScheduleKind[] = Object.freeze([
  'constant',
  'linear',
  'cosine',
  'exponential',
  'stepDecay',
  'warmup',
  'piecewise',
  'function',
]);

type JsonObject = Record<string, unknown>;

function asObject(value: unknown, path: string): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw scheduleError(
      `Schedule JSON at ${path} must be an object with a \`kind\`, got ${describe(value)}. ` +
        'Pass the parsed value of JSON.stringify(schedule).',
      { path },
    );
  }
  return value as JsonObject;
}

/**
 * How deeply schedules may nest in JSON (warmup in piecewise in warmup …). Real schedules nest two
 * or three levels; the bound turns a hostile or runaway document into KD_SCHEDULE_INVALID instead
 * of a stack overflow here or in every `valueAt` later.
 */
export const MAX_SCHEDULE_DEPTH = 32;

function restore(value: unknown, path: string, functions: Record<string, ScheduleFunction>, depth = 0): Schedule {
  if (depth >= MAX_SCHEDULE_DEPTH) {
    throw scheduleError(
      `Schedule JSON at ${path.length > 60 ? `${path.slice(0, 60)}…` : path} nests schedules more than ${MAX_SCHEDULE_DEPTH} deep. ` +
        'Real schedules nest a few levels; flatten it (piecewise takes many segments at one level).',
      { depth, max: MAX_SCHEDULE_DEPTH },
    );
  }
  const json = asObject(value, path);
  const kind = json.kind;
  const build = (): Schedule => {
    switch (kind) {
      case 'constant':
        return constant(json.value as number);
      case 'linear':
        return linear(json as unknown as RampScheduleOptions);
      case 'cosine':
        return cosine(json as unknown as RampScheduleOptions);
      case 'exponential':
        return exponential(json as unknown as ExponentialScheduleOptions);
      case 'stepDecay':
        return stepDecay(json as unknown as StepDecayScheduleOptions);
      case 'warmup':
        return warmup({
          length: json.length as number,
          from: json.from as number,
          unit: json.unit as ScheduleUnit,
          then: restore(json.then, `${path}.then`, functions, depth + 1),
        });
      case 'piecewise': {
        if (!Array.isArray(json.segments)) {
          throw scheduleError(`\`segments\` must be an array of { until, schedule }, got ${describe(json.segments)}.`);
        }
        const segments: PiecewiseSegment[] = json.segments.map((s: unknown, i: number) => {
          const seg = asObject(s, `${path}.segments[${i}]`);
          return {
            until: seg.until as number,
            schedule: restore(seg.schedule, `${path}.segments[${i}].schedule`, functions, depth + 1),
          };
        });
        return piecewise(segments, restore(json.last, `${path}.last`, functions, depth + 1), {
          unit: json.unit as ScheduleUnit,
        });
      }
      case 'function': {
        const name = json.name;
        if (typeof name !== 'string' || !Object.hasOwn(functions, name) || typeof functions[name] !== 'function') {
          const known = Object.keys(functions);
          throw scheduleError(
            `Function schedule ${describe(name)} cannot be restored: no function of that name was given. ` +
              `Pass it as scheduleFromJSON(json, { functions: { ${typeof name === 'string' ? name : 'name'}: (ctx) => … } })` +
              (known.length > 0 ? `; given: ${known.join(', ')}.` : '.'),
            { name, known },
          );
        }
        return fromFunction(name, functions[name] as ScheduleFunction);
      }
      default:
        throw scheduleError(`Unknown schedule kind ${describe(kind)}; expected one of ${SCHEDULE_KINDS.join(', ')}.`, {
          kind,
        });
    }
  };
  try {
    return build();
  } catch (e) {
    // Nested errors already carry their own path; only add ours to errors raised at this level.
    if (isKdError(e, 'KD_SCHEDULE_INVALID') && !e.message.startsWith('Schedule JSON at ')) {
      throw new KdError(
        'KD_SCHEDULE_INVALID',
        `Schedule JSON at ${path}: ${e.message}`,
        { ...e.details, path },
        { cause: e },
      );
    }
    throw e;
  }
}

/**
 * Restores a schedule from its {@link ScheduleJSON} form, nested ones included.
 *
 * Throws KdError `KD_SCHEDULE_INVALID` for an unknown `kind`, invalid numbers, or a
 * `{ kind: 'function', name }` whose function is missing from `options.functions`, or schedules
 * nested more than {@link MAX_SCHEDULE_DEPTH} deep; the message
 * names the place in the JSON (e.g. `$.then.segments[1].schedule`).
 *
 * @example
 * ```ts
 * const alpha = warmup({ length: 100, from: 0, then: cosine({ from: 0.9, to: 0.1 }) });
 * const text = JSON.stringify(alpha);
 * const again = scheduleFromJSON(JSON.parse(text)); // same value at every step
 * ```
 */
export function scheduleFromJSON(json: unknown, options: ScheduleFromJSONOptions = {}): Schedule {
  return restore(json, '$', options.functions ?? {});
}
