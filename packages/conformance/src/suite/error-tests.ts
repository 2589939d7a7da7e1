import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { ERROR_CASES, observeError } from '../checks/error-cases.js';
import type { SuiteContext } from './context.js';

/** Bad inputs raise the same KdError code on every runtime, before training, without leaking tensors. */
export function errorTests(ctx: SuiteContext): void {
  describe('errors for bad inputs', () => {
    for (const c of ERROR_CASES) {
      it(`${c.name} → ${c.code}`, async () => {
        const before = tf.memory().numTensors;
        const observed = await observeError(c, ctx.runtime());
        expect(observed.name, `expected a KdError, got ${observed.name}: ${observed.message}`).toBe('KdError');
        expect(observed.code, observed.message).toBe(c.code);
        expect(tf.memory().numTensors, 'tensors leaked by the failed call').toBe(before);
      });
    }
  });
}
