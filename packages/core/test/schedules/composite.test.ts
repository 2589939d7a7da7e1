import { describe, expect, it } from 'vitest';
import { isKdError } from '../../src/errors/kd-error.js';
import {
  constant,
  cosine,
  fromFunction,
  linear,
  piecewise,
  scheduleValues,
  warmup,
} from '../../src/schedules/index.js';
import { ctxAt } from './ctx.js';

describe('warmup', () => {
  it('ramps linearly to the inner schedule’s first value, then runs it on a shifted clock', () => {
    const total = 50;
    const length = 10;
    const values = scheduleValues(warmup({ length, from: 0, then: cosine({ from: 0.9, to: 0.1 }) }), {
      totalSteps: total,
      stepsPerEpoch: 7,
    });
    for (let step = 0; step < length; step++) expect(values[step]).toBeCloseTo((0.9 * step) / length, 12);
    // the inner cosine sees a run of total − length steps starting at 0
    for (let step = length; step < total; step++) {
      const p = (step - length) / (total - length - 1);
      expect(values[step]).toBeCloseTo(0.1 + 0.8 * Math.cos((Math.PI * p) / 2) ** 2, 12);
    }
    expect(values[total - 1]).toBeCloseTo(0.1, 14);
  });

  it('accepts a number as the inner schedule and counts epochs in epoch units', () => {
    const values = scheduleValues(warmup({ length: 2, from: 1, then: 3, unit: 'epoch' }), {
      totalSteps: 8,
      stepsPerEpoch: 2,
    });
    expect(values).toEqual([1, 1, 2, 2, 3, 3, 3, 3]);
  });

  it('shifts epochs for an epoch-unit inner schedule', () => {
    const inner = linear({ from: 10, to: 20, unit: 'epoch' });
    const values = scheduleValues(warmup({ length: 4, from: 0, then: inner }), { totalSteps: 16, stepsPerEpoch: 4 });
    // steps 4..15 are epochs 0..2 of the inner run (12 steps, 3 epochs)
    expect(values.slice(0, 4)).toEqual([0, 2.5, 5, 7.5]);
    expect(values.slice(4)).toEqual([10, 10, 10, 10, 15, 15, 15, 15, 20, 20, 20, 20]);
  });
});

describe('shifted clocks', () => {
  it('count inner epochs from the real epoch boundaries when a part starts mid-epoch', () => {
    const seen: [number, number, number][] = [];
    const probe = fromFunction('probe', ({ step, epoch, totalSteps }) => {
      seen.push([step, epoch, totalSteps]);
      return 0;
    });
    scheduleValues(warmup({ length: 3, from: 0, then: probe }), { totalSteps: 10, stepsPerEpoch: 4 });
    // steps 0..2 ask for the inner start value; steps 3..9 (epochs 0, 1, 1, 1, 1, 2, 2) are
    // local steps 0..6 of a 7-step run
    expect(seen).toEqual([
      [0, 0, 7],
      [0, 0, 7],
      [0, 0, 7],
      [0, 0, 7],
      [1, 1, 7],
      [2, 1, 7],
      [3, 1, 7],
      [4, 1, 7],
      [5, 2, 7],
      [6, 2, 7],
    ]);
  });
});

describe('piecewise', () => {
  it('turns boundaries and numbers into a staircase (exclusive boundaries)', () => {
    const s = piecewise(
      [
        { until: 3, schedule: 4 },
        { until: 5, schedule: 2 },
      ],
      1,
    );
    expect(scheduleValues(s, { totalSteps: 8, stepsPerEpoch: 8 })).toEqual([4, 4, 4, 2, 2, 1, 1, 1]);
  });

  it('gives every part its own clock', () => {
    const total = 30;
    const s = piecewise([{ until: 10, schedule: linear({ from: 0, to: 0.9 }) }], cosine({ from: 0.9, to: 0.1 }));
    const values = scheduleValues(s, { totalSteps: total, stepsPerEpoch: 4 });
    for (let step = 0; step < 10; step++) expect(values[step]).toBeCloseTo((0.9 * step) / 9, 12);
    for (let step = 10; step < total; step++) {
      const p = (step - 10) / (total - 10 - 1);
      expect(values[step]).toBeCloseTo(0.1 + 0.8 * Math.cos((Math.PI * p) / 2) ** 2, 12);
    }
  });

  it('uses epoch boundaries in epoch units', () => {
    const s = piecewise([{ until: 1, schedule: 5 }], linear({ from: 0, to: 1, unit: 'epoch' }), { unit: 'epoch' });
    // 4 epochs of 2 steps; `last` sees epochs 0..2 of a 6-step run
    expect(scheduleValues(s, { totalSteps: 8, stepsPerEpoch: 2 })).toEqual([5, 5, 0, 0, 0.5, 0.5, 1, 1]);
  });

  it('nests', () => {
    const inner = piecewise([{ until: 2, schedule: 1 }], 2);
    const s = piecewise([{ until: 3, schedule: 0 }], inner);
    expect(scheduleValues(s, { totalSteps: 7, stepsPerEpoch: 7 })).toEqual([0, 0, 0, 1, 1, 2, 2]);
  });
});

describe('fromFunction', () => {
  it('calls the function with the context', () => {
    const s = fromFunction('halfPerEpoch', ({ epoch }) => 0.5 ** epoch);
    expect(scheduleValues(s, { totalSteps: 6, stepsPerEpoch: 2 })).toEqual([1, 1, 0.5, 0.5, 0.25, 0.25]);
    expect(s.toJSON()).toEqual({ kind: 'function', name: 'halfPerEpoch' });
  });

  it('raises KD_SCHEDULE_INVALID naming the function when it returns a non-finite value', () => {
    const s = fromFunction('bad', ({ step }) => (step === 2 ? Number.NaN : 1));
    expect(s.valueAt(ctxAt(1, 5))).toBe(1);
    let err: unknown;
    try {
      s.valueAt(ctxAt(2, 5));
    } catch (e) {
      err = e;
    }
    expect(isKdError(err, 'KD_SCHEDULE_INVALID')).toBe(true);
    expect((err as Error).message).toContain("'bad'");
    expect((err as Error).message).toContain('step 2');
  });

  it('needs a name and a function', () => {
    expect(() => fromFunction('', () => 1)).toThrow(/non-empty string/);
    expect(() => fromFunction('x', 3 as unknown as () => number)).toThrow(/must be a function/);
  });
});

describe('constant inside composites', () => {
  it('is what numbers become', () => {
    expect(warmup({ length: 1, from: 0, then: 2 }).toJSON()).toEqual({
      kind: 'warmup',
      length: 1,
      from: 0,
      unit: 'step',
      then: constant(2).toJSON(),
    });
  });
});
