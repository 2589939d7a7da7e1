import { KdError } from '../errors/kd-error.js';
import type { ScheduleContext, ScheduleUnit } from './types.js';

function requireWhole(field: keyof ScheduleContext, value: unknown, min: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new KdError(
      'KD_INVALID_ARGUMENT',
      `Schedule context: \`${field}\` must be a whole number ≥ ${min}, got ${String(value)}. ` +
        'Pass { step, epoch, totalSteps, stepsPerEpoch } with 0-based step and epoch.',
      { field, value },
    );
  }
}

/** Throws KD_INVALID_ARGUMENT unless `ctx` holds whole numbers in range. */
export function checkContext(ctx: ScheduleContext): void {
  if (typeof ctx !== 'object' || ctx === null) {
    throw new KdError(
      'KD_INVALID_ARGUMENT',
      'Schedule context must be an object { step, epoch, totalSteps, stepsPerEpoch }.',
    );
  }
  requireWhole('step', ctx.step, 0);
  requireWhole('epoch', ctx.epoch, 0);
  requireWhole('totalSteps', ctx.totalSteps, 1);
  requireWhole('stepsPerEpoch', ctx.stepsPerEpoch, 1);
}

/** Position of `ctx` counted in `unit`; `ctx` is already checked (see define-schedule.ts). */
export function positionOf(ctx: ScheduleContext, unit: ScheduleUnit): number {
  return unit === 'step' ? ctx.step : ctx.epoch;
}

/** Length of the run counted in `unit` (a partly filled last epoch counts as one). */
export function runLength(ctx: ScheduleContext, unit: ScheduleUnit): number {
  return unit === 'step' ? ctx.totalSteps : Math.ceil(ctx.totalSteps / ctx.stepsPerEpoch);
}

/**
 * The context an inner schedule sees when it starts at `offset` (in `unit`) of the outer run and
 * lasts `length` units (or to the end of the run when `length` is undefined). Inner schedules thus
 * behave as if they had a run of their own, so their defaults (e.g. `end`) span their part only.
 */
export function localContext(
  ctx: ScheduleContext,
  offset: number,
  length: number | undefined,
  unit: ScheduleUnit,
): ScheduleContext {
  const spe = ctx.stepsPerEpoch;
  const offsetSteps = unit === 'step' ? offset : offset * spe;
  const offsetEpochs = unit === 'step' ? Math.floor(offset / spe) : offset;
  const lengthSteps = length === undefined ? ctx.totalSteps - offsetSteps : unit === 'step' ? length : length * spe;
  return {
    step: Math.max(0, ctx.step - offsetSteps),
    epoch: Math.max(0, ctx.epoch - offsetEpochs),
    totalSteps: Math.max(1, lengthSteps),
    stepsPerEpoch: spe,
  };
}

/** The first context of a local run that starts at `offset` (see {@link localContext}). */
export function localStart(ctx: ScheduleContext, offset: number, unit: ScheduleUnit): ScheduleContext {
  return { ...localContext(ctx, offset, undefined, unit), step: 0, epoch: 0 };
}
