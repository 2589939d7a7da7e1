import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { cpuRuntime } from '../../src/cpu.js';
import { distill, teacher, timeSlicedYield } from '../../src/index.js';
import { denseStudent, toyBinary } from '../helpers/fixtures.js';

const data = toyBinary(2048);
afterAll(() => tf.dispose([data.x, data.y]));

describe("cpuRuntime's nextTick gives the event loop its turn during training", () => {
  it('a 50 ms timer fires while distill trains, and an AbortSignal fired by a timer stops the run', async () => {
    const runtime = cpuRuntime();
    await runtime.init();
    const t = teacher((x) => tf.matMul(x, tf.tensor2d([[2], [-1], [2], [-1]])), { output: 'logits', id: 'tick-t' });
    const model = denseStudent(4, 0, 1, 5);
    let ticks = 0;
    const interval = setInterval(() => (ticks += 1), 5);
    const started = performance.now();
    let firedAt = Number.NaN;
    const controller = new AbortController();
    const timer = setTimeout(() => {
      firedAt = performance.now() - started;
      controller.abort();
    }, 50);
    try {
      const r = await distill({
        runtime,
        teacher: t,
        student: model,
        data: { x: data.x, y: data.y },
        // Far more work than 50 ms: one-row batches over 2048 rows, many epochs.
        epochs: 30,
        batchSize: 1,
        signal: controller.signal,
      });
      const elapsed = performance.now() - started;
      expect(r.aborted).toBe(true);
      expect(r.history.length).toBeLessThan(30);
      // The timer ran close to its time rather than after the run; training stopped soon after.
      expect(firedAt).toBeLessThan(50 + 500);
      expect(elapsed - firedAt).toBeLessThan(1000);
      expect(ticks).toBeGreaterThan(0);
    } finally {
      clearInterval(interval);
      clearTimeout(timer);
      model.dispose();
    }
  });
});

describe('timeSlicedYield', () => {
  it('makes one trip through the event loop per budget of work, and none within it', async () => {
    // A clock the test moves: 2 ms of "work" per step, whatever the machine's load.
    let clock = 0;
    const now = vi.spyOn(performance, 'now').mockImplementation(() => clock);
    try {
      const trips: number[] = [];
      const nextTick = timeSlicedYield({ budgetMs: 10, yieldOnce: async () => void trips.push(clock) });
      for (let i = 0; i < 30; i++) {
        clock += 2;
        await nextTick();
      }
      expect(trips).toEqual([10, 20, 30, 40, 50, 60]);
    } finally {
      now.mockRestore();
    }
  });

  it('budgetMs 0 yields at every call; a bad budget is KD_INVALID_ARGUMENT', async () => {
    let trips = 0;
    const nextTick = timeSlicedYield({ budgetMs: 0, yieldOnce: async () => void (trips += 1) });
    await nextTick();
    await nextTick();
    expect(trips).toBe(2);
    for (const budgetMs of [-1, Number.NaN, Infinity]) {
      expect(() => timeSlicedYield({ budgetMs })).toThrow(expect.objectContaining({ code: 'KD_INVALID_ARGUMENT' }));
    }
  });
});
