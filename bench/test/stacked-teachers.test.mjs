// The quality benchmark's teachers: K MLPs trained side by side, and their per-member early stopping.
// The reference is the same training run without validation, stopped at the epoch a member kept:
// members share nothing but the batch order (Adam is per parameter, the loss a sum of per-member
// means), so member m of a run stopped after e epochs is member m of any longer run at epoch e.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { beforeAll, describe, expect, it } from 'vitest';
import { cpuRuntime } from '@kd/core/cpu';
import { mulberry32 } from '@kd/core/internal';
import { trainStackedMlps } from '../quality/stacked-teachers.mjs';

beforeAll(async () => {
  await cpuRuntime().init();
});

/** A noisy two-feature task a 4-4 MLP overfits within a few epochs on 60 rows. */
function data(n, seed) {
  const rand = mulberry32(seed);
  const x = [];
  const y = [];
  for (let i = 0; i < n; i++) {
    const a = 2 * rand() - 1;
    const b = 2 * rand() - 1;
    x.push([a, b, rand(), rand()]);
    y.push(a * b + 0.6 * (rand() - 0.5) > 0 ? 1 : 0);
  }
  return { x: tf.tensor2d(x), y: tf.tensor1d(y) };
}

const logLoss = (p, y) =>
  p.map((row) => row.reduce((s, q, i) => s - (y[i] ? Math.log(q) : Math.log(1 - q)), 0) / row.length);

describe('trainStackedMlps', () => {
  const common = { hidden: [8, 8], batchSize: 8, learningRate: 0.05, seed: 3 };
  const masks = [new Float32Array(60).fill(1), Float32Array.from({ length: 60 }, (_, i) => (i % 3 ? 1 : 0))];

  it('with validation, each member keeps the weights of its own best validation epoch', async () => {
    const train = data(60, 1);
    const validation = data(200, 2);
    const before = tf.memory().numTensors;
    const epochs = 25;
    const stopped = await trainStackedMlps({ ...common, ...train, masks, epochs, validation });
    expect(tf.memory().numTensors - before).toBe(6); // the six weight variables, nothing else
    const { bestEpochs } = stopped;
    expect(bestEpochs).toHaveLength(2);
    for (const e of bestEpochs) expect(e >= 1 && e <= epochs).toBe(true);
    // The run must overfit for the test to mean anything: some member stops before the end.
    expect(Math.min(...bestEpochs)).toBeLessThan(epochs);

    const yVal = await validation.y.array();
    const pStopped = stopped.predict(validation.x);
    const stoppedRows = await pStopped.array();
    for (let m = 0; m < masks.length; m++) {
      const reference = await trainStackedMlps({ ...common, ...train, masks, epochs: bestEpochs[m] });
      const pRef = reference.predict(validation.x);
      const refRows = await pRef.array();
      // The same member at the same epoch: the same predictions (float32, same op order).
      for (let i = 0; i < refRows[m].length; i++) expect(stoppedRows[m][i]).toBeCloseTo(refRows[m][i], 5);
      // And no other epoch of that member scores better on validation.
      for (let e = 1; e <= epochs; e++) {
        if (e === bestEpochs[m]) continue;
        const other = await trainStackedMlps({ ...common, ...train, masks, epochs: e });
        const pOther = other.predict(validation.x);
        expect(logLoss(await pOther.array(), yVal)[m]).toBeGreaterThanOrEqual(logLoss(refRows, yVal)[m] - 1e-6);
        tf.dispose(pOther);
        other.dispose();
      }
      tf.dispose(pRef);
      reference.dispose();
    }
    tf.dispose([pStopped, train.x, train.y, validation.x, validation.y]);
    stopped.dispose();
  }, 120_000);

  it('without validation, every member keeps its last epoch', async () => {
    const train = data(60, 1);
    const run = await trainStackedMlps({ ...common, ...train, masks, epochs: 4 });
    expect(run.bestEpochs).toEqual([4, 4]);
    run.dispose();
    tf.dispose([train.x, train.y]);
  });
});
