// The public API of @kd/node, written out by name; test/public-api.test.ts snapshots it.

/* the runtime */
export { nodeRuntime, type NodeRuntimeOptions } from './runtime/node-runtime.js';

/* storage: models and teacher outputs on disk */
export { FileModelStore } from './io/file-model-store.js';
export {
  FileTeacherCache,
  type FileTeacherCacheOptions,
  type TeacherCachePrecision,
} from './cache/file-teacher-cache.js';
export { defaultCacheRoot } from './cache/cache-dir.js';

/* provisioning tfjs-node's native addon (also `npx kd-node provision`) */
export {
  checkTfjsNode,
  DEFAULT_TF_PACKAGE,
  DEFAULT_TF_VERSION,
  defaultCacheDir,
  provisionTfjsNode,
  ProvisionError,
  type ProvisionOptions,
  type ProvisionResult,
  type ProvisionSource,
  type TfjsNodeCheck,
} from './provision/provision.js';

/* datasets: files read into tensors, or streamed batch by batch */
export {
  csvBatches,
  csvStream,
  jsonLinesBatches,
  jsonLinesStream,
  readCsv,
  readIdx,
  readIdxDataset,
  readImageFolder,
  readJsonLines,
  type CsvOptions,
  type IdxDatasetOptions,
  type IdxValues,
  type ImageFolderOptions,
  type JsonLinesOptions,
  type TabularBatch,
  type TabularData,
  type TabularOptions,
  type TabularStream,
} from './datasets/index.js';
