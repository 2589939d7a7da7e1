import { describe, expect, it, vi } from 'vitest';
import * as context from '../../src/schedules/context.js';
import { constant, fromFunction, linear, piecewise, scheduleValues, warmup } from '../../src/schedules/index.js';

// Count how often a schedule context is checked, without changing what the check does.
vi.mock('../../src/schedules/context.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/schedules/context.js')>();
  return { ...original, checkContext: vi.fn(original.checkContext) };
});

describe('schedule contexts are checked at the entry, not at every step', () => {
  // Every kind of part: a ramp, constants given as numbers, and a function schedule, nested three deep.
  const nested = () =>
    warmup({
      length: 10,
      from: 0,
      then: piecewise(
        [
          { until: 40, schedule: linear({ from: 0.9, to: 0.5 }) },
          { until: 60, schedule: 0.5 },
        ],
        fromFunction('halving', ({ step }) => 0.5 / (1 + step)),
      ),
    });

  it('scheduleValues checks its run once and no context of its steps', () => {
    const s = nested();
    vi.mocked(context.checkContext).mockClear();
    const values = scheduleValues(s, { totalSteps: 100, stepsPerEpoch: 10 });
    expect(values).toHaveLength(100);
    expect(context.checkContext).not.toHaveBeenCalled();
    // Same values as asking the public valueAt step by step (which checks each context once).
    const direct = values.map((_, step) =>
      s.valueAt({ step, epoch: Math.floor(step / 10), totalSteps: 100, stepsPerEpoch: 10 }),
    );
    expect(direct).toEqual(values);
    expect(context.checkContext).toHaveBeenCalledTimes(100);
  });

  it('a constant checks no context per step either', () => {
    vi.mocked(context.checkContext).mockClear();
    expect(scheduleValues(constant(0.25), { totalSteps: 50, stepsPerEpoch: 5 })).toEqual(new Array(50).fill(0.25));
    expect(context.checkContext).not.toHaveBeenCalled();
  });

  it('a public valueAt checks its context once, however deep the nesting', () => {
    const s = nested();
    vi.mocked(context.checkContext).mockClear();
    s.valueAt({ step: 50, epoch: 5, totalSteps: 100, stepsPerEpoch: 10 });
    expect(context.checkContext).toHaveBeenCalledTimes(1);
    expect(() => s.valueAt({ step: -1, epoch: 0, totalSteps: 100, stepsPerEpoch: 10 })).toThrow(/`step`/);
  });
});
