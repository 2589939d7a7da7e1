import * as tf from '@tensorflow/tfjs-core';
import { distill, precomputedTeacher } from '@kd/core';
import { describe, expect, it } from 'vitest';
import { OTHER_BACKEND, switchAwayAndBack } from '../checks/backend-switch.js';
import { mlpStudent } from '../reference/students.js';
import { syntheticData } from '../reference/synthetic-data.js';
import { createOptimizer, dataTensors } from '../reference/training-run.js';
import type { SuiteContext } from './context.js';

function spin(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // stands in for a slow training step
  }
}

/** What every `KdRuntime` promises beyond numbers: re-activation and a `nextTick` that yields. */
export function runtimeContractTests(ctx: SuiteContext): void {
  describe('runtime contract', () => {
    it('init() after another runtime switched the backend switches tfjs back, and distill then trains', async () => {
      const runtime = ctx.runtime();
      const seen = await switchAwayAndBack(runtime);
      expect(seen.afterOther).toBe(OTHER_BACKEND);
      expect(seen.afterReinit).toBe(ctx.info().backend);

      // The failure this guards against: distill refusing with KD_RUNTIME_NOT_INITIALIZED.
      const data = syntheticData({ rows: 16, inputShape: [4], units: 1, seed: 61 });
      const { x, y } = dataTensors(data);
      const student = mlpStudent(62, 4, 1);
      const optimizer = createOptimizer({ kind: 'sgd', learningRate: 0.1 });
      try {
        const run = await distill({
          runtime,
          teacher: precomputedTeacher(data.teacherProbabilities, { output: 'probabilities', shape: [data.rows, 1] }),
          student,
          data: { x, y },
          optimizer,
          epochs: 1,
          batchSize: 8,
        });
        expect(run.runtime.backend).toBe(ctx.info().backend);
        expect(run.history).toHaveLength(1);
      } finally {
        optimizer.dispose();
        student.dispose();
        tf.dispose([x, y]);
      }
    });

    it('nextTick lets a timer queued when training begins run while it trains', async () => {
      const data = syntheticData({ rows: 40, inputShape: [4], units: 1, seed: 63 });
      const { x, y } = dataTensors(data);
      const student = mlpStudent(64, 4, 1);
      const optimizer = createOptimizer({ kind: 'sgd', learningRate: 0.1 });
      const batches = 20;
      const batchMs = 5;
      let done = 0;
      let firedAfter: number | undefined;
      try {
        await distill({
          runtime: ctx.runtime(),
          teacher: precomputedTeacher(data.teacherProbabilities, { output: 'probabilities', shape: [data.rows, 1] }),
          student,
          data: { x, y },
          optimizer,
          epochs: 1,
          batchSize: data.rows / batches,
          callbacks: {
            onTrainBegin: () => void setTimeout(() => (firedAfter = done), 0),
            // 100 ms of work in all: longer than any runtime's slice (16 ms at most).
            onBatchEnd: () => {
              done += 1;
              spin(batchMs);
            },
          },
        });
        expect(firedAfter, 'the timer only ran after training ended').toBeDefined();
        expect(firedAfter!).toBeLessThan(batches);
      } finally {
        optimizer.dispose();
        student.dispose();
        tf.dispose([x, y]);
      }
    });
  });
}
