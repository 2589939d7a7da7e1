import { Buffer } from 'node:buffer';
import { existsSync, mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseIdx } from '../idx.mjs';
import { loadFashionSubset } from '../fashion-subset.mjs';
import { runDemo, writeDemoData } from '../run-demo.mjs';

const temp = (name) => mkdtempSync(join(tmpdir(), `kd-demo-${name}-`));

describe('the quick-start demo (kd train-teacher, kd distill, kd inspect)', () => {
  it('trains teachers, distils and trains a student from scratch, and compares them on the 1000 test images', async () => {
    const lines = [];
    const { out, metrics, outputs } = await runDemo({
      out: temp('quick'),
      quick: true,
      pipe: true,
      log: (l) => lines.push(l),
    });
    expect(
      lines
        .map((l) => l.trim())
        .filter((l) => l.startsWith('$ kd '))
        .map((l) => l.split(' ')[2]),
    ).toEqual(['train-teacher', 'distill', 'inspect']);
    expect(metrics.models.map((m) => m.name)).toEqual([
      'teacher 1',
      'teacher 2',
      'ensemble of 2 (mean-probability)',
      'student, distilled',
      'student, from scratch',
    ]);
    expect(metrics.data.rows.test).toBe(1000);
    expect(metrics.data.rows.train + metrics.data.rows.validation).toBe(2000);
    expect(metrics.settings).toMatchObject({ alpha: 0.3, alphaSource: 'given', epochs: 2 });
    // 784·8 + 8 + 8 + 1 parameters, four bytes each; FLOPs 2·784·8 + 8 + 8 + 2·8 + 1.
    expect(metrics.models.at(-1)).toMatchObject({
      params: 6289,
      weightBytes: 6289 * 4,
      flopsPerSample: 12544 + 16 + 17,
    });
    expect(metrics.models[2].params).toBe(metrics.models[0].params + metrics.models[1].params);
    for (const m of metrics.models) {
      // Even two epochs put every model well above chance on this pair of classes.
      expect(m.test.accuracy).toBeGreaterThan(0.7);
      expect(m.test.auc).toBeGreaterThan(0.8);
      expect(Number.isFinite(m.test.logLoss)).toBe(true);
    }
    const distill = outputs[1].stdout;
    expect(distill).toMatch(/^student, distilled\s+6289\s+25\.2 KB/m);
    expect(distill).toMatch(/student: run\/student/);
    expect(distill).toMatch(/metrics: run\/metrics\.json/);
    expect(outputs[2].stdout).toMatch(/^student\s+layers\s+6289\s+25\.2 KB\s+12\.6k/m);
    expect(existsSync(join(out, 'run', 'student', 'model.json'))).toBe(true);
    // The student ships with its preprocessing; it names the IDX label file, never a machine path.
    const preprocessing = JSON.parse(readFileSync(join(out, 'run', 'student', 'preprocessing.json'), 'utf8'));
    expect(preprocessing.label).toBe('train-labels-idx1-ubyte');
  }, 300_000);

  it('writes the embedded subset as IDX files that hold the same images and labels', () => {
    const dir = temp('data');
    const files = writeDemoData(dir);
    const { train, test } = loadFashionSubset();
    const images = parseIdx(readFileSync(join(dir, files.trainImages)));
    expect(images.dims).toEqual([2000, 28, 28]);
    expect(Buffer.compare(Buffer.from(images.data), Buffer.from(train.images))).toBe(0);
    const labels = parseIdx(readFileSync(join(dir, files.testLabels)));
    expect(labels.dims).toEqual([1000]);
    expect(Array.from(labels.data)).toEqual(Array.from(test.labels));
  });

  it('refuses an output folder it did not write', () => {
    const dir = temp('mine');
    mkdirSync(join(dir, 'x'));
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    expect(() => writeDemoData(dir)).toThrow(/not written by the demo/);
  });
});

describe('the demo with --search', () => {
  it('chooses α with kd distill --search-alpha on held-out training images and distils with it', async () => {
    const { metrics } = await runDemo({ out: temp('search'), quick: true, search: true, pipe: true });
    expect(metrics.settings.alphaSource).toBe('search');
    expect(metrics.search.rows.map((r) => r.alpha)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    const best = metrics.search.rows.reduce((a, b) => (b.mean < a.mean ? b : a));
    expect(metrics.settings.alpha).toBe(best.alpha);
    expect(metrics.models.find((m) => m.role === 'distilled').seeds.accuracy.values).toHaveLength(2);
  }, 300_000);
});
