import { KdError } from '../errors/kd-error.js';
import type { ScheduleUnit } from './types.js';

/** A KD_SCHEDULE_INVALID error; `message` must say what was wrong and how to fix it. */
export function scheduleError(message: string, details: Record<string, unknown> = {}): KdError {
  return new KdError('KD_SCHEDULE_INVALID', message, details);
}

export function requireFinite(where: string, field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw scheduleError(
      `${where}: \`${field}\` must be a finite number, got ${describe(value)}. Pass a finite number.`,
      {
        field,
        value,
      },
    );
  }
  return value;
}

export function requirePositive(where: string, field: string, value: unknown): number {
  const v = requireFinite(where, field, value);
  if (v <= 0) {
    throw scheduleError(`${where}: \`${field}\` must be greater than 0, got ${v}. Pass a positive number.`, {
      field,
      value,
    });
  }
  return v;
}

export function requireNonNegativeInteger(where: string, field: string, value: unknown): number {
  const v = requireFinite(where, field, value);
  if (!Number.isInteger(v) || v < 0) {
    throw scheduleError(`${where}: \`${field}\` must be a whole number ≥ 0 (a step or epoch index), got ${v}.`, {
      field,
      value,
    });
  }
  return v;
}

export function requirePositiveInteger(where: string, field: string, value: unknown): number {
  const v = requireFinite(where, field, value);
  if (!Number.isInteger(v) || v < 1) {
    throw scheduleError(`${where}: \`${field}\` must be a whole number ≥ 1 (a count of steps or epochs), got ${v}.`, {
      field,
      value,
    });
  }
  return v;
}

export function requireUnit(where: string, value: unknown): ScheduleUnit {
  if (value === undefined) return 'step';
  if (value !== 'step' && value !== 'epoch') {
    throw scheduleError(`${where}: \`unit\` must be 'step' or 'epoch', got ${describe(value)}.`, {
      field: 'unit',
      value,
    });
  }
  return value;
}

export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === undefined || value === null)
    return String(value);
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) return 'an array';
  return typeof value;
}
