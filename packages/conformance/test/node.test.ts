import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodeRuntime } from '@kd/node';
import { defineConformanceSuite } from '../src/suite/index.js';

// Models and teacher outputs go to a fresh temporary folder, not the package or the user cache.
const root = mkdtempSync(join(tmpdir(), 'kd-conformance-node-'));
defineConformanceSuite({
  name: 'node',
  createRuntime: () => nodeRuntime({ modelDir: join(root, 'models'), cacheDir: join(root, 'cache') }),
});
