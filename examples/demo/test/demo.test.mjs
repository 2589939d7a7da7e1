import * as tf from '@tensorflow/tfjs-core';
import { wasmRuntime } from '@kd/wasm';
import { describe, expect, it } from 'vitest';
import { formatTable, runDemo } from '../run-demo.mjs';

describe('the quick-start demo', () => {
  it('trains teachers, distils and trains a student from scratch, and compares them on the test set', async () => {
    const lines = [];
    const runtime = wasmRuntime();
    await runtime.init();
    const before = tf.memory().numTensors;
    const rows = await runDemo({ runtime, quick: true, log: (l) => lines.push(l) });
    expect(lines[0]).toMatch(/runtime: wasm/);
    expect(lines[1]).toMatch(/2000 training and 1000 test images, T-shirt\/top vs Shirt/);
    expect(rows.map((r) => r.model)).toEqual([
      'teacher 1 (784-128-64-1)',
      'teacher 2 (784-128-64-1)',
      'ensemble of 2 (mean probability)',
      'student, distilled (α = 0.3)',
      'student, from scratch',
    ]);
    // 784·8 + 8 + 8 + 1 parameters, four bytes each.
    expect(rows.at(-1)).toMatchObject({ params: 6289, weightBytes: 6289 * 4 });
    expect(rows[2].params).toBe(rows[0].params + rows[1].params);
    for (const r of rows) {
      // Even two epochs put every model well above chance on this pair of classes.
      expect(r.accuracy).toBeGreaterThan(0.7);
      expect(r.auc).toBeGreaterThan(0.8);
      expect(Number.isFinite(r.logLoss)).toBe(true);
    }
    expect(formatTable(rows).split('\n')).toHaveLength(2 + rows.length);
    expect(tf.memory().numTensors).toBe(before);
  }, 300_000);
});

describe('the demo with --search', () => {
  it('chooses α with searchAlpha on held-out training images and distils with it', async () => {
    const lines = [];
    const runtime = wasmRuntime();
    await runtime.init();
    const before = tf.memory().numTensors;
    const rows = await runDemo({
      runtime,
      quick: true,
      search: { alphas: [0, 1], seeds: [0] },
      log: (l) => lines.push(l),
    });
    const table = lines.filter((l) => /^ {2}α \d/.test(l));
    expect(table).toHaveLength(2);
    const best = table.find((l) => l.endsWith('← best'));
    const chosen = Number(/α (\S+):/.exec(best)[1]);
    expect(rows[3].model).toBe(`student, distilled (α = ${chosen}, searched)`);
    expect(lines.filter((l) => /^ {2}run \d\/2: α [01], seed 0 → validation log-loss \d\.\d{4}$/.test(l))).toHaveLength(
      2,
    );
    expect(tf.memory().numTensors).toBe(before);
  }, 300_000);
});
