import * as tf from '@tensorflow/tfjs-core';
import { trainFromScratch } from '@kd/core';
import { describe, expect, it, vi } from 'vitest';
import { browserRuntime, timeSlicer, yieldToBrowser } from '../src/index.js';
import { binaryProblem, mlp } from './helpers/data.js';

function busyWait(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // spin: stands in for training work
  }
}

describe('yielding to the browser', () => {
  it('yieldToBrowser lets a timer queued before it run', async () => {
    let fired = false;
    setTimeout(() => (fired = true), 0);
    busyWait(5); // the timer is due before the yield is queued
    await yieldToBrowser();
    await yieldToBrowser();
    expect(fired).toBe(true);
  });

  it('timeSlicer does not yield within its budget and yields once it is spent', async () => {
    const tick = timeSlicer({ budgetMs: 40 });
    await yieldToBrowser(); // start from a clean slice boundary
    let fired = false;
    setTimeout(() => (fired = true), 0);
    busyWait(2);
    for (let i = 0; i < 50; i++) await tick(); // microtasks only: a timer cannot run in between
    expect(fired).toBe(false);
    busyWait(45);
    await tick();
    await tick();
    expect(fired).toBe(true);
  });

  it('timeSlicer with budget 0 yields at every call, and checks its budget', async () => {
    const tick = timeSlicer({ budgetMs: 0 });
    let fired = false;
    setTimeout(() => (fired = true), 0);
    busyWait(5);
    await tick();
    await tick();
    expect(fired).toBe(true);
    for (const budgetMs of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => timeSlicer({ budgetMs })).toThrow(
        expect.objectContaining({ name: 'KdError', code: 'KD_INVALID_ARGUMENT' }),
      );
    }
  });

  it('training on webgl lets a timer queued before it run while it trains, yielding once per time slice', async () => {
    const budgetMs = 100;
    // Each batch takes at least this long (the callback spins), so the run spans many slices on
    // any machine: fast hardware cannot finish all batches inside one slice and skip every yield.
    const batchMs = 10;
    const runtime = browserRuntime({ yieldEveryMs: budgetMs });
    await runtime.init();
    const problem = binaryProblem(400, 8, 2);
    const x = tf.tensor2d(problem.x);
    const y = tf.tensor1d(problem.y);
    const model = mlp([8, 16, 1], 4);
    const epochs = 1;
    const batchSize = 8;
    const total = epochs * Math.ceil(400 / batchSize);
    let batchesDone = 0;
    let seenAt: number | undefined;
    const postMessage = vi.spyOn(MessagePort.prototype, 'postMessage');
    const started = performance.now();
    await trainFromScratch({
      runtime,
      student: model,
      data: { x, y },
      epochs,
      batchSize,
      callbacks: {
        // Queued after every await of the set-up, just before the first step: only a yield from
        // inside the training loop lets it run before training ends.
        onTrainBegin: () => void setTimeout(() => (seenAt = batchesDone), 0),
        onBatchEnd: () => {
          batchesDone++;
          busyWait(batchMs);
        },
      },
    });
    const ms = performance.now() - started;
    const yields = postMessage.mock.calls.length;
    postMessage.mockRestore();
    expect(batchesDone).toBe(total);
    // A slice ends after at most budgetMs / batchMs + 1 batches; the timer runs at the first or
    // second yield (the browser may take the yield's message task first).
    expect(seenAt).toBeDefined();
    expect(seenAt!).toBeLessThanOrEqual(2 * (Math.ceil(budgetMs / batchMs) + 1));
    // One yield per slice: at least one per budgetMs of spun time, at most one per budgetMs elapsed.
    expect(yields).toBeGreaterThanOrEqual(Math.floor((total * batchMs) / budgetMs) - 1);
    expect(yields).toBeLessThanOrEqual(Math.ceil(ms / budgetMs) + 1);
    expect(yields).toBeLessThan(total);
    tf.dispose([x, y]);
    model.dispose();
  });
});
