// The public API of @kd/node, written out by name; test/public-api.test.ts snapshots it.

/* the runtime */
export { nodeRuntime, type NodeRuntimeOptions, type NodeRuntimeInfo } from './runtime/node-runtime.js';

/* storage: models, teacher outputs and checkpoints on disk */
export { FileModelStore, type FileModelStoreOptions } from './io/file-model-store.js';
export {
  FileTeacherCache,
  type FileTeacherCacheOptions,
  type TeacherCachePrecision,
} from './cache/file-teacher-cache.js';
export { defaultCacheRoot } from './cache/cache-dir.js';
export { fileCheckpointStore } from './checkpoint/file-checkpoint-store.js';
/* writing one file so readers see the old or the whole new one (temp file, fsync, rename) */
export { writeFileAtomic } from './io/atomic-write.js';

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

/* datasets: files read into tensors, or streamed batch by batch, with bounded memory */
export {
  csvBatches,
  csvStream,
  DEFAULT_IDX_MAX_BYTES,
  DEFAULT_MAX_FIELD_LENGTH,
  DEFAULT_MAX_LINE_LENGTH,
  DEFAULT_MAX_PIXELS,
  DEFAULT_MAX_RECORD_LENGTH,
  jsonLinesBatches,
  jsonLinesStream,
  readCsv,
  readCsvFeatures,
  readIdx,
  readIdxDataset,
  readImageFolder,
  readImages,
  readJsonLines,
  readJsonLinesFeatures,
  type CsvFeatureRows,
  type CsvFeaturesOptions,
  type CsvOptions,
  type FeatureRows,
  type IdxDatasetOptions,
  type IdxOptions,
  type IdxValues,
  type ImageFolderOptions,
  type ImagesOptions,
  type JsonLinesFeaturesOptions,
  type JsonLinesOptions,
  type TabularBatch,
  type TabularData,
  type TabularOptions,
  type TabularStream,
} from './datasets/index.js';
