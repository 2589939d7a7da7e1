import * as tf from '@tensorflow/tfjs-core';
import { distill, precomputedTeacher } from '@kd/core';
import { describe, expect, it } from 'vitest';
import { withSyncReadsForbidden } from '../checks/sync-read-guard.js';
import { tensorCountsDuringTraining } from '../checks/tensor-growth.js';
import { mlpStudent } from '../reference/students.js';
import { syntheticData } from '../reference/synthetic-data.js';
import { createOptimizer, dataTensors } from '../reference/training-run.js';
import type { SuiteContext } from './context.js';

/** No tensor growth across epochs; nothing in the training loop reads tensors synchronously. */
export function hygieneTests(ctx: SuiteContext): void {
  describe('tensor hygiene', () => {
    it('the number of live tensors does not grow across epochs and returns to its start', async () => {
      const counts = await tensorCountsDuringTraining(ctx.runtime(), 4);
      expect(counts.perEpoch).toHaveLength(4);
      expect(counts.perEpoch, `live tensors at each epoch end: ${counts.perEpoch.join(', ')}`).toEqual(
        counts.perEpoch.map(() => counts.perEpoch[0]),
      );
      expect(counts.after, `live tensors before ${counts.before}, after ${counts.after}`).toBe(counts.before);
    });

    it('distill never reads a tensor synchronously (engine readSync throws while it runs)', async () => {
      const data = syntheticData({ rows: 40, inputShape: [12], units: 1, seed: 13 });
      const { x, y } = dataTensors(data);
      const validation = dataTensors(syntheticData({ rows: 12, inputShape: [12], units: 1, seed: 14 }));
      const student = mlpStudent(17, 12, 1);
      const optimizer = createOptimizer({ kind: 'adam', learningRate: 0.01 });
      try {
        const run = await withSyncReadsForbidden(() =>
          distill({
            runtime: ctx.runtime(),
            teacher: precomputedTeacher(data.teacherProbabilities, { output: 'probabilities', shape: [data.rows, 1] }),
            student,
            data: { x, y },
            validation,
            earlyStopping: { monitor: 'val_auc', patience: 5 },
            temperature: 2,
            optimizer,
            epochs: 2,
            batchSize: 8,
          }),
        );
        expect(run.syncReads, `synchronous reads:\n${run.syncReads.join('\n\n')}`).toEqual([]);
        expect(run.error).toBeUndefined();
        expect(run.result?.history).toHaveLength(2);
      } finally {
        optimizer.dispose();
        student.dispose();
        tf.dispose([x, y, validation.x, validation.y]);
      }
    });
  });
}
