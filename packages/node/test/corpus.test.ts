// Every file of the malformed-input corpus (test/corpus, written by its generate.mjs) ends in the
// KdError code its manifest lists: no raw error, no hang, no tensors left behind.
import { readdir, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { isKdError, KD_ERROR_CODES } from '@kd/core';
import { beforeAll, describe, expect, it } from 'vitest';
import manifest from './corpus/manifest.json' with { type: 'json' };
import { FileModelStore, nodeRuntime, readCsv, readIdx, readImageFolder, readJsonLines } from '../src/index.js';

const corpus = fileURLToPath(new URL('./corpus/', import.meta.url));

interface CorpusCase {
  path: string;
  reader: 'csv' | 'jsonl' | 'idx' | 'images' | 'model';
  code: string;
  why: string;
  options?: Record<string, unknown>;
}
const cases = manifest as CorpusCase[];

async function read(c: CorpusCase): Promise<unknown> {
  const path = join(corpus, c.path);
  switch (c.reader) {
    case 'csv':
      return readCsv(path, { label: 'y', ...c.options });
    case 'jsonl':
      return readJsonLines(path, { label: 'y', features: ['x'], ...c.options });
    case 'idx':
      return readIdx(path, c.options);
    case 'images':
      return readImageFolder(path, { size: [4, 4], ...c.options } as never);
    case 'model':
      return new FileModelStore(join(corpus, 'model-json')).loadHandler(c.path.split('/')[1]!).load!();
  }
}

/** Ends after `ms` with a marker instead of hanging the suite. */
const within = <T>(p: Promise<T>, ms: number) =>
  Promise.race([p, new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), ms))]);

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(path)));
    else out.push(relative(corpus, path).split(sep).join('/'));
  }
  return out;
}

describe('malformed-input corpus', () => {
  beforeAll(async () => {
    await nodeRuntime().init();
  });

  it('lists every corpus file in the manifest, each with a known code', async () => {
    const listed = cases.map((c) => c.path);
    for (const file of await filesUnder(corpus)) {
      if (file === 'manifest.json' || file === 'generate.mjs') continue;
      expect(
        listed.some((p) => file === p || file.startsWith(`${p}/`)),
        file,
      ).toBe(true);
    }
    for (const c of cases) {
      expect(KD_ERROR_CODES as readonly string[], c.path).toContain(c.code);
      await stat(join(corpus, c.path));
    }
    expect(cases.length).toBeGreaterThan(60);
  });

  for (const c of cases) {
    it(`${c.path} (${c.why}) → ${c.code}`, async () => {
      const before = tf.memory().numTensors;
      const outcome = await within(
        read(c).then(
          (value) => ({ value }),
          (error: unknown) => ({ error }),
        ),
        10_000,
      );
      expect(outcome, 'the reader hung').not.toBe('hung');
      const result = outcome as { value?: unknown; error?: unknown };
      expect(result.error, `resolved instead of failing`).toBeDefined();
      expect(isKdError(result.error), `raw error: ${String(result.error)}`).toBe(true);
      expect((result.error as { code: string }).code).toBe(c.code);
      expect(tf.memory().numTensors).toBe(before);
    });
  }
});
