export * from './errors/kd-error.js';
export * from './runtime/types.js';
export * from './runtime/backend-runtime.js';
export * from './runtime/memory-model-store.js';
export * from './runtime/memory-teacher-cache.js';
