import { describe, expect, it } from 'vitest';
import { expectKdError } from '@kd/test-utils/kd-error';
import { isKdError } from '../../src/errors/kd-error.js';
import { MAX_SCHEDULE_DEPTH } from '../../src/schedules/from-json.js';
import {
  constant,
  cosine,
  exponential,
  fromFunction,
  linear,
  piecewise,
  type Schedule,
  scheduleFromJSON,
  type ScheduleContext,
  scheduleValues,
  stepDecay,
  warmup,
} from '../../src/schedules/index.js';

const sqrtDecay = ({ step }: ScheduleContext) => 1 / Math.sqrt(step + 1);

const schedules: Record<string, Schedule> = {
  constant: constant(0.25),
  linear: linear({ from: 0.9, to: 0.1, start: 3, end: 40 }),
  linearEpochs: linear({ from: 1, to: 0, unit: 'epoch' }),
  cosine: cosine({ from: 4, to: 1 }),
  exponentialTo: exponential({ from: 8, to: 1, end: 30 }),
  exponentialRate: exponential({ from: 0.9, rate: 0.97, start: 2, unit: 'epoch' }),
  stepDecay: stepDecay({ initial: 5, factor: 0.7, every: 2, unit: 'epoch' }),
  warmup: warmup({ length: 8, from: 0, then: cosine({ from: 0.9, to: 0.2 }) }),
  function: fromFunction('sqrtDecay', sqrtDecay),
  nested: piecewise(
    [
      { until: 2, schedule: warmup({ length: 1, from: 0, then: 0.5, unit: 'epoch' }) },
      {
        until: 4,
        schedule: piecewise(
          [{ until: 1, schedule: 3 }],
          stepDecay({ initial: 2, factor: 0.5, every: 1, unit: 'epoch' }),
          { unit: 'epoch' },
        ),
      },
    ],
    warmup({ length: 5, from: 1, then: fromFunction('sqrtDecay', sqrtDecay) }),
    { unit: 'epoch' },
  ),
};

describe('scheduleFromJSON', () => {
  for (const [name, schedule] of Object.entries(schedules)) {
    it(`restores ${name} with identical values at every step`, () => {
      const run = { totalSteps: 73, stepsPerEpoch: 9 };
      const json: unknown = JSON.parse(JSON.stringify(schedule));
      const restored = scheduleFromJSON(json, { functions: { sqrtDecay } });
      expect(restored.kind).toBe(schedule.kind);
      expect(restored.toJSON()).toEqual(schedule.toJSON());
      expect(scheduleValues(restored, run)).toEqual(scheduleValues(schedule, run));
    });
  }

  it('serialises to plain, documented objects', () => {
    expect(JSON.parse(JSON.stringify(schedules.linear))).toEqual({
      kind: 'linear',
      from: 0.9,
      to: 0.1,
      start: 3,
      end: 40,
      unit: 'step',
    });
    expect(JSON.parse(JSON.stringify(schedules.exponentialRate))).toEqual({
      kind: 'exponential',
      from: 0.9,
      rate: 0.97,
      start: 2,
      unit: 'epoch',
    });
  });

  it('defaults a missing unit to steps', () => {
    const s = scheduleFromJSON({ kind: 'linear', from: 0, to: 1 });
    expect(scheduleValues(s, { totalSteps: 3, stepsPerEpoch: 1 })).toEqual([0, 0.5, 1]);
  });

  const errorOf = (fn: () => unknown) => expectKdError(fn, 'KD_SCHEDULE_INVALID');

  it('names a missing function and how to pass it', () => {
    const json: unknown = JSON.parse(JSON.stringify(schedules.nested));
    const err = errorOf(() => scheduleFromJSON(json, { functions: { other: () => 1 } }));
    expect(err.message).toContain('sqrtDecay');
    expect(err.message).toContain('functions');
    expect(err.message).toContain('$.last.then');
  });

  it('does not take functions from the object prototype', () => {
    expect(errorOf(() => scheduleFromJSON({ kind: 'function', name: 'toString' })).message).toContain('toString');
  });

  it('rejects unknown kinds, listing the known ones', () => {
    const err = errorOf(() => scheduleFromJSON({ kind: 'sawtooth' }));
    expect(err.message).toContain('"sawtooth"');
    expect(err.message).toContain('cosine');
    expect(err.message).toContain('piecewise');
  });

  it('rejects non-objects and bad nested values with their place in the JSON', () => {
    expect(errorOf(() => scheduleFromJSON('{"kind":"constant"}')).message).toContain('JSON.stringify');
    expect(errorOf(() => scheduleFromJSON(null)).message).toContain('$');
    const bad = {
      kind: 'piecewise',
      unit: 'step',
      segments: [{ until: 2, schedule: { kind: 'constant', value: 'x' } }],
      last: { kind: 'constant', value: 1 },
    };
    const err = errorOf(() => scheduleFromJSON(bad));
    expect(err.message).toContain('$.segments[0].schedule');
    expect(err.message).toContain('`value`');
    expect(
      errorOf(() =>
        scheduleFromJSON({ kind: 'piecewise', unit: 'step', segments: 3, last: { kind: 'constant', value: 1 } }),
      ).message,
    ).toContain('segments');
    expect(errorOf(() => scheduleFromJSON({ kind: 'linear', from: 0, to: 1, unit: 'batch' })).message).toContain(
      "'step' or 'epoch'",
    );
  });
});

describe('scheduleFromJSON nesting bound', () => {
  it('refuses a 20,000-deep document with KD_SCHEDULE_INVALID instead of overflowing the stack', () => {
    let json: Record<string, unknown> = { kind: 'constant', value: 1 };
    for (let i = 0; i < 20_000; i++) json = { kind: 'warmup', length: 1, from: 0, then: json };
    let error: unknown;
    try {
      scheduleFromJSON(json);
    } catch (e) {
      error = e;
    }
    expect(isKdError(error, 'KD_SCHEDULE_INVALID'), String(error)).toBe(true);
    expect((error as Error).message).toContain(`more than ${MAX_SCHEDULE_DEPTH} deep`);
  });

  it('still restores schedules nested up to the bound', () => {
    let json: Record<string, unknown> = { kind: 'constant', value: 0.5 };
    for (let i = 0; i < MAX_SCHEDULE_DEPTH - 1; i++) json = { kind: 'warmup', length: 1, from: 0, then: json };
    const s = scheduleFromJSON(json);
    // Each warm-up of one step starts at 0; from step MAX_SCHEDULE_DEPTH − 1 on, only the constant is left.
    expect(s.valueAt({ step: 0, epoch: 0, totalSteps: 100, stepsPerEpoch: 10 })).toBe(0);
    expect(s.valueAt({ step: MAX_SCHEDULE_DEPTH, epoch: 3, totalSteps: 100, stepsPerEpoch: 10 })).toBe(0.5);
  });
});
