import { describe, expect, it } from 'vitest';
import { expectKdError } from '@kd/test-utils/kd-error';
import type { KdErrorCode } from '../../src/errors/kd-error.js';
import { MAX_TOTAL_STEPS } from '../../src/values/sizes.js';
import {
  constant,
  cosine,
  exponential,
  isSchedule,
  linear,
  piecewise,
  resolveSchedule,
  type Schedule,
  scheduleValues,
  stepDecay,
  warmup,
} from '../../src/schedules/index.js';

// The message of the KdError `fn` throws, which must have `code`.
const errorOf = (fn: () => unknown, code: KdErrorCode = 'KD_SCHEDULE_INVALID') => expectKdError(fn, code).message;

describe('schedule validation', () => {
  it('rejects non-finite numbers, naming the field', () => {
    expect(errorOf(() => constant(Number.NaN))).toContain('`value`');
    expect(errorOf(() => linear({ from: 0, to: Number.POSITIVE_INFINITY }))).toContain('`to`');
    expect(errorOf(() => cosine({ from: '1' as unknown as number, to: 0 }))).toContain('`from`');
  });

  it('rejects bad windows', () => {
    expect(errorOf(() => linear({ from: 0, to: 1, start: 5, end: 5 }))).toContain('greater than `start`');
    expect(errorOf(() => linear({ from: 0, to: 1, end: 0 }))).toContain('greater than `start`');
    expect(errorOf(() => cosine({ from: 0, to: 1, start: -1 }))).toContain('`start`');
    expect(errorOf(() => cosine({ from: 0, to: 1, start: 1.5 }))).toContain('whole number');
  });

  it('checks exponential options', () => {
    expect(errorOf(() => exponential({ from: 1 } as unknown as { from: number; rate: number }))).toContain('neither');
    expect(
      errorOf(() => exponential({ from: 1, to: 2, rate: 0.5 } as unknown as { from: number; rate: number })),
    ).toContain('both');
    expect(errorOf(() => exponential({ from: 1, to: 0 }))).toContain('linear() or cosine()');
    expect(errorOf(() => exponential({ from: 1, rate: 0 }))).toContain('`rate`');
  });

  it('checks stepDecay and warmup', () => {
    expect(errorOf(() => stepDecay({ initial: 1, factor: 0.5, every: 0 }))).toContain('`every`');
    expect(errorOf(() => stepDecay({ initial: 1, factor: -0.5, every: 1 }))).toContain('`factor`');
    expect(errorOf(() => warmup({ length: 0, from: 0, then: 1 }))).toContain('`length`');
    expect(errorOf(() => warmup({ length: 2, from: 0, then: 'x' as unknown as number }))).toContain(
      'number or a Schedule',
    );
  });

  it('rejects non-increasing piecewise boundaries and empty segment lists', () => {
    expect(
      errorOf(() =>
        piecewise(
          [
            { until: 5, schedule: 1 },
            { until: 5, schedule: 2 },
          ],
          0,
        ),
      ),
    ).toContain('strictly increase');
    expect(
      errorOf(() =>
        piecewise(
          [
            { until: 5, schedule: 1 },
            { until: 3, schedule: 2 },
          ],
          0,
        ),
      ),
    ).toContain('segments[1].until = 3');
    expect(errorOf(() => piecewise([{ until: 0, schedule: 1 }], 0))).toContain('segments[0].until');
    expect(errorOf(() => piecewise([], 0))).toContain('non-empty');
  });

  it('rejects malformed contexts with KD_INVALID_ARGUMENT', () => {
    const s = linear({ from: 0, to: 1 });
    expect(
      errorOf(() => s.valueAt({ step: -1, epoch: 0, totalSteps: 10, stepsPerEpoch: 5 }), 'KD_INVALID_ARGUMENT'),
    ).toContain('`step`');
    expect(
      errorOf(() => s.valueAt({ step: 0, epoch: 0, totalSteps: 0, stepsPerEpoch: 5 }), 'KD_INVALID_ARGUMENT'),
    ).toContain('`totalSteps`');
    expect(
      errorOf(
        () => constant(1).valueAt({ step: 0, epoch: 0.5, totalSteps: 1, stepsPerEpoch: 1 }),
        'KD_INVALID_ARGUMENT',
      ),
    ).toContain('`epoch`');
    expect(errorOf(() => scheduleValues(s, { totalSteps: 10, stepsPerEpoch: 0 }), 'KD_INVALID_ARGUMENT')).toContain(
      '`stepsPerEpoch`',
    );
  });
});

describe('resolveSchedule', () => {
  it('turns numbers into constants and passes schedules through', () => {
    const c = resolveSchedule(0.4);
    expect(c.toJSON()).toEqual({ kind: 'constant', value: 0.4 });
    const s: Schedule = cosine({ from: 1, to: 0 });
    expect(resolveSchedule(s)).toBe(s);
    expect(isSchedule(s)).toBe(true);
    expect(isSchedule({ kind: 'constant', value: 1 })).toBe(false);
  });

  it('rejects anything else', () => {
    expect(errorOf(() => resolveSchedule(Number.NaN))).toContain('finite');
    expect(errorOf(() => resolveSchedule({ kind: 'constant', value: 1 } as unknown as Schedule))).toContain(
      'number or a Schedule',
    );
  });
});

describe('scheduleValues', () => {
  it('lists one value per step with the matching epoch', () => {
    const seen: [number, number][] = [];
    const probe: Schedule = {
      kind: 'function',
      valueAt: (ctx) => {
        seen.push([ctx.step, ctx.epoch]);
        return ctx.step;
      },
      toJSON: () => ({ kind: 'function', name: 'probe' }),
    };
    expect(scheduleValues(probe, { totalSteps: 5, stepsPerEpoch: 2 })).toEqual([0, 1, 2, 3, 4]);
    expect(seen).toEqual([
      [0, 0],
      [1, 0],
      [2, 1],
      [3, 1],
      [4, 2],
    ]);
  });
});

describe('run length bound', () => {
  it(`refuses a run of more than ${MAX_TOTAL_STEPS} steps before allocating its plan`, () => {
    expect(
      errorOf(
        () => scheduleValues(constant(1), { totalSteps: MAX_TOTAL_STEPS + 1, stepsPerEpoch: 10 }),
        'KD_INVALID_ARGUMENT',
      ),
    ).toContain(String(MAX_TOTAL_STEPS));
  });
});
