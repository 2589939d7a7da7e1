// The benchmark harness end to end in a short run: both sides train the MLP cases, the conv α
// search and the conv accuracy case on the same data, the report has a finite time for each, and
// both run TensorFlow 2.18. Times are not asserted (the machine's load decides them); the kernel
// counts of the fused step are.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'kd-bench-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const node = (script, args) =>
  execFileSync(process.execPath, [join(here, '..', script), ...args], { encoding: 'utf8', maxBuffer: 1 << 24 });

describe('bench smoke', () => {
  // The first run on a machine creates the cached Keras venv (pip install): minutes, once.
  it(
    'runs kd and Keras side by side on the MLP cases, the conv search and the conv accuracy case',
    { timeout: 900_000 },
    () => {
      const out = join(dir, 'side-by-side.json');
      node('keras-side-by-side.mjs', [
        '--quick',
        '--cases',
        'mlp-student,mlp-distill-cached,mlp-sweep-1seed,conv-sweep-3seeds,conv-accuracy',
        '--out',
        out,
      ]);
      const report = JSON.parse(readFileSync(out, 'utf8'));
      expect(report.results.map((r) => r.id)).toEqual([
        'mlp-student',
        'mlp-distill-cached',
        'mlp-sweep-1seed',
        'conv-sweep-3seeds',
        'conv-accuracy',
      ]);
      for (const r of report.results) {
        expect(r.kdSeconds).toBeGreaterThan(0);
        expect(r.kerasSeconds).toBeGreaterThan(0);
        expect(Number.isFinite(r.kdOverKeras)).toBe(true);
        expect(r.load.start).toHaveLength(3);
      }
      expect(report.keras.tensorflow).toMatch(/^2\.18\./);
      expect(report.kd.tensorflow).toMatch(/^2\.18\./);
      expect(report.distillOverScratch).toBeGreaterThan(0);
      // The conv α search: kd's batched side either ran or was refused before training, and said why.
      const search = report.results.find((r) => r.id === 'conv-sweep-3seeds');
      if (search.kdParallelSeconds === undefined) expect(search.kdParallelPending).toMatch(/parallel: true/);
      else expect(search.kdParallelSeconds).toBeGreaterThan(0);
      // The accuracy case: every model of both sides scored on the test rows.
      const accuracy = report.results.find((r) => r.id === 'conv-accuracy');
      for (const model of ['teacher', 'scratch', 'distilled'])
        for (const side of ['kd', 'keras']) {
          const { values } = accuracy.accuracy[model][side];
          expect(values).toHaveLength(1);
          expect(values[0]).toBeGreaterThanOrEqual(0);
          expect(values[0]).toBeLessThanOrEqual(1);
        }
    },
  );

  it('the fused distillation step runs far fewer kernels than two cross-entropies', { timeout: 300_000 }, () => {
    const { report } = JSON.parse(node('profile-step.mjs', ['--rows', '640', '--json']));
    const fused = report['distill, fused (T = 1)'].kernelsPerStep;
    const twoLosses = report['distill, two cross-entropies (T = 1 + 1e-6)'].kernelsPerStep;
    const scratch = report.scratch.kernelsPerStep;
    expect(twoLosses - fused).toBeGreaterThan(50);
    // Distilling from cached outputs adds few kernels to training from scratch.
    expect(fused / scratch).toBeLessThan(1.1);
  });
});
