export { nodeRuntime, type NodeRuntimeOptions, type NodeRuntimeInfo } from './runtime/node-runtime.js';
export { FileModelStore, type FileModelStoreOptions } from './io/file-model-store.js';
export {
  FileTeacherCache,
  type FileTeacherCacheOptions,
  type TeacherCachePrecision,
} from './cache/file-teacher-cache.js';
export { defaultCacheRoot } from './cache/cache-dir.js';
export * from './provision/provision.js';
export * from './datasets/index.js';
export { fileCheckpointStore } from './checkpoint/file-checkpoint-store.js';
