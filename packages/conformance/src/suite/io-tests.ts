import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { exportAndReload } from '../checks/export-reload.js';
import { teacherCacheRoundTrip } from '../checks/teacher-cache.js';
import {
  rebuildAfterCorruption,
  storeNonFiniteValues,
  storeOutOfRangeProbabilities,
  type CacheRebuildResult,
} from '../checks/teacher-cache-corruption.js';
import { convStudent, customMlpStudent } from '../reference/students.js';
import { syntheticData } from '../reference/synthetic-data.js';
import { dataTensors, perStepLosses } from '../reference/training-run.js';
import type { SuiteContext } from './context.js';

/** Export → reload → identical predictions, through the runtime's model store; teacher cache round trip. */
export function ioTests(ctx: SuiteContext): void {
  describe('export and reload through runtime.models', () => {
    it('a layers student (conv with batch norm) predicts identically after reload', async () => {
      const data = syntheticData({ rows: 16, inputShape: [8, 8, 1], units: 3, seed: 41 });
      const model = convStudent(8, 3);
      const { x, y } = dataTensors(data);
      try {
        // A few steps move the weights and the batch-norm statistics away from their initial values.
        await perStepLosses({
          runtime: ctx.runtime(),
          student: model,
          data,
          teacherKind: 'logits',
          alpha: 0.5,
          temperature: 1,
          optimizer: { kind: 'adam', learningRate: 0.01 },
          steps: 3,
        });
        const r = await exportAndReload({ runtime: ctx.runtime(), model, x });
        expect(r.after).toEqual(r.before);
        expect(r.before.every(Number.isFinite)).toBe(true);
      } finally {
        model.dispose();
        tf.dispose([x, y]);
      }
    });

    it('a customStudent predicts identically after loadWeights into a fresh instance', async () => {
      const data = syntheticData({ rows: 20, inputShape: [6], units: 3, seed: 43 });
      const student = customMlpStudent(9, 6, 3);
      const { x, y } = dataTensors(data);
      try {
        await perStepLosses({
          runtime: ctx.runtime(),
          student,
          data,
          teacherKind: 'logits',
          alpha: 0.5,
          temperature: 2,
          optimizer: { kind: 'sgd', learningRate: 0.3 },
          steps: 3,
        });
        const r = await exportAndReload({
          runtime: ctx.runtime(),
          model: student,
          rebuild: () => customMlpStudent(10, 6, 3),
          x,
        });
        expect(r.after).toEqual(r.before);
      } finally {
        student.dispose();
        tf.dispose([x, y]);
      }
    });
  });

  describe('teacher cache through runtime.cache', () => {
    it('set → get returns the values, delete removes them, and a second computeTeacherOutputs is served from the cache', async () => {
      const r = await teacherCacheRoundTrip(ctx.runtime());
      expect(r.loaded).toBeDefined();
      expect(Array.from(r.loaded!.values)).toEqual(Array.from(r.stored.values));
      expect(r.loaded!.shape).toEqual(r.stored.shape);
      expect(r.loaded!.kind).toBe(r.stored.kind);
      expect(r.afterDelete).toBeUndefined();
      expect(r.secondFromCache).toBe(true);
      expect(r.cached).toEqual(r.computed);
    });

    it('a corrupt cache entry is rebuilt: deleted, read as a miss, recomputed and stored again', async () => {
      expectRebuilt(await rebuildAfterCorruption(ctx.runtime(), ctx.corruptCacheEntry));
    });

    it('cached values training cannot use (NaN, ±Infinity, probabilities outside [0, 1]) are rebuilt', async () => {
      expectRebuilt(await rebuildAfterCorruption(ctx.runtime(), storeNonFiniteValues, 'logits'));
      expectRebuilt(await rebuildAfterCorruption(ctx.runtime(), storeOutOfRangeProbabilities, 'probabilities'));
    });
  });
}

function expectRebuilt(r: CacheRebuildResult): void {
  expect(r.calls.map((c) => c.fromCache)).toEqual([false, false, true]);
  for (const call of r.calls) expect(call.values).toEqual(r.expected);
}
