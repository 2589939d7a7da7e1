import { describe, expect, it } from 'vitest';
import { constant, cosine, exponential, linear, scheduleValues, stepDecay } from '../../src/schedules/index.js';
import { ctxAt } from './ctx.js';

describe('constant', () => {
  it('returns its value at every step', () => {
    expect(scheduleValues(constant(0.3), { totalSteps: 7, stepsPerEpoch: 3 })).toEqual(Array(7).fill(0.3));
  });
});

describe('linear', () => {
  it('goes from `from` at step 0 to `to` at the last step by default', () => {
    const total = 11;
    const values = scheduleValues(linear({ from: 0.9, to: 0.1 }), { totalSteps: total, stepsPerEpoch: 4 });
    values.forEach((v, step) => {
      const p = step / (total - 1);
      expect(v).toBeCloseTo(0.9 * (1 - p) + 0.1 * p, 12);
    });
    expect(values[0]).toBe(0.9);
    expect(values[total - 1]).toBe(0.1);
  });

  it('is flat before start and after end', () => {
    const s = linear({ from: 2, to: 10, start: 5, end: 9 });
    const at = (step: number) => s.valueAt(ctxAt(step, 20));
    expect([at(0), at(4), at(5)]).toEqual([2, 2, 2]);
    expect(at(7)).toBeCloseTo(2 + 8 * (2 / 4), 12);
    expect([at(9), at(10), at(19)]).toEqual([10, 10, 10]);
  });

  it('in epoch units changes only at epoch boundaries and spans the epochs of the run', () => {
    // 10 steps, 3 per epoch: epochs 0..3 (the last one partial), so the ramp ends at epoch 3.
    const values = scheduleValues(linear({ from: 0, to: 1, unit: 'epoch' }), { totalSteps: 10, stepsPerEpoch: 3 });
    const expected = [0, 0, 0, 1 / 3, 1 / 3, 1 / 3, 2 / 3, 2 / 3, 2 / 3, 1];
    values.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 12));
  });

  it('gives `from` for a one-step run', () => {
    expect(linear({ from: 0.7, to: 0.2 }).valueAt(ctxAt(0, 1))).toBe(0.7);
  });
});

describe('cosine', () => {
  it('follows to + (from − to)·(1 + cos πp)/2', () => {
    const total = 37;
    const from = 0.95;
    const to = 0.05;
    const values = scheduleValues(cosine({ from, to }), { totalSteps: total, stepsPerEpoch: 5 });
    values.forEach((v, step) => {
      const p = step / (total - 1);
      // half-angle identity: (1 + cos πp)/2 = cos²(πp/2)
      expect(v).toBeCloseTo(to + (from - to) * Math.cos((Math.PI * p) / 2) ** 2, 12);
    });
    expect(values[0]).toBe(from);
    expect(values[total - 1]).toBe(to);
    expect(values[(total - 1) / 2]).toBeCloseTo((from + to) / 2, 12);
  });

  it('hits `from` and `to` exactly at the ends', () => {
    for (const [from, to] of [
      [0.9, 0.3],
      [0.3, 0.9],
      [0.7, 0.1],
    ] as const) {
      const values = scheduleValues(cosine({ from, to }), { totalSteps: 11, stepsPerEpoch: 11 });
      expect([values[0], values[10]]).toEqual([from, to]);
      const lin = scheduleValues(linear({ from, to }), { totalSteps: 11, stepsPerEpoch: 11 });
      expect([lin[0], lin[10]]).toEqual([from, to]);
    }
  });

  it('respects a window in epochs', () => {
    const s = cosine({ from: 4, to: 1, start: 1, end: 5, unit: 'epoch' });
    for (let epoch = 0; epoch < 8; epoch++) {
      const p = Math.min(Math.max((epoch - 1) / 4, 0), 1);
      const v = s.valueAt({ step: epoch * 10 + 3, epoch, totalSteps: 80, stepsPerEpoch: 10 });
      expect(v).toBeCloseTo(1 + 3 * Math.cos((Math.PI * p) / 2) ** 2, 12);
    }
  });
});

describe('exponential', () => {
  it('interpolates geometrically between from and to', () => {
    const total = 21;
    const values = scheduleValues(exponential({ from: 8, to: 0.5 }), { totalSteps: total, stepsPerEpoch: 7 });
    values.forEach((v, step) => {
      const p = step / (total - 1);
      expect(v).toBeCloseTo(Math.exp((1 - p) * Math.log(8) + p * Math.log(0.5)), 12);
    });
    expect(values[0]).toBe(8);
    expect(values[total - 1]).toBe(0.5);
  });

  it('multiplies by `rate` per unit after start and holds after end', () => {
    const s = exponential({ from: 0.9, rate: 0.8, start: 2, end: 6 });
    const expected = (t: number) => {
      let v = 0.9;
      for (let i = 2; i < Math.min(Math.max(t, 2), 6); i++) v *= 0.8;
      return v;
    };
    for (let step = 0; step < 10; step++) expect(s.valueAt(ctxAt(step, 10))).toBeCloseTo(expected(step), 12);
  });

  it('counts the rate per epoch in epoch units', () => {
    const values = scheduleValues(exponential({ from: 1, rate: 0.5, unit: 'epoch' }), {
      totalSteps: 6,
      stepsPerEpoch: 2,
    });
    expect(values).toEqual([1, 1, 0.5, 0.5, 0.25, 0.25]);
  });
});

describe('stepDecay', () => {
  it('multiplies by factor every `every` steps', () => {
    const values = scheduleValues(stepDecay({ initial: 8, factor: 0.5, every: 3 }), {
      totalSteps: 10,
      stepsPerEpoch: 100,
    });
    expect(values).toEqual([8, 8, 8, 4, 4, 4, 2, 2, 2, 1]);
  });

  it('counts epochs in epoch units', () => {
    const values = scheduleValues(stepDecay({ initial: 1, factor: 0.1, every: 2, unit: 'epoch' }), {
      totalSteps: 9,
      stepsPerEpoch: 2,
    });
    const expected = [1, 1, 1, 1, 0.1, 0.1, 0.1, 0.1, 0.01];
    values.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 14));
  });
});
