import { mkdtempSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileTeacherCache, nodeRuntime } from '@kd/node';
import { defineConformanceSuite } from '../src/suite/index.js';

// Models and teacher outputs go to a fresh temporary folder, not the package or the user cache.
const root = mkdtempSync(join(tmpdir(), 'kd-conformance-node-'));
defineConformanceSuite({
  name: 'node',
  createRuntime: () => nodeRuntime({ modelDir: join(root, 'models'), cacheDir: join(root, 'cache') }),
  // Disk damage: one flipped bit in the middle of the entry's file.
  corruptCacheEntry: async (runtime, key) => {
    const path = (runtime.cache as FileTeacherCache).pathOf(key);
    const bytes = await readFile(path);
    bytes[bytes.length >> 1] = (bytes[bytes.length >> 1] as number) ^ 0x10;
    await writeFile(path, bytes);
  },
});
