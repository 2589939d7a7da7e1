import { browserRuntime } from '@kd/browser';
import { defineConformanceSuite } from '../src/suite/index.js';
import { corruptIndexedDbEntry } from './browser/corrupt-indexeddb-entry.js';

defineConformanceSuite({
  name: 'webgl-chromium',
  createRuntime: () => browserRuntime(),
  corruptCacheEntry: corruptIndexedDbEntry,
});
