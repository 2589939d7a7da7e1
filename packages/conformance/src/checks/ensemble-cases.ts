import * as tf from '@tensorflow/tfjs-core';
import { ensemble, precomputedTeacher } from '@kd/core';
import type { EnsembleFixtureCase } from '../fixtures/types.js';

/** What a runtime computed for one ensemble fixture. */
export interface EnsembleMeasurement {
  output: 'logits' | 'probabilities';
  values: number[];
}

/**
 * Combines the fixture's members with `ensemble` on the active backend. The batch size of 2
 * makes the members predict in several batches, as they would on a real data set.
 */
export async function measureEnsembleCase(c: EnsembleFixtureCase): Promise<EnsembleMeasurement> {
  const members = c.members.map((m, i) =>
    precomputedTeacher(m.values.values, {
      output: m.output,
      shape: m.values.shape as [number, number],
      name: `member-${i}`,
    }),
  );
  const combined = ensemble(members, { combine: c.combine, ...(c.weights ? { weights: c.weights } : {}) });
  const rows = c.expected.values.shape[0]!;
  const x = tf.zeros([rows, 1]);
  try {
    const out = await combined.predictDataset(x, { batchSize: 2 });
    const values = Array.from(await out.data());
    out.dispose();
    return { output: combined.output, values };
  } finally {
    x.dispose();
  }
}
