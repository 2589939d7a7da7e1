// The public API of @kd/browser, written out by name; test/public-api.test.ts snapshots it.
// The worker side (serveDistillWorker) is the separate entry point @kd/browser/worker.

/* the runtime: WebGL, with wasm or cpu fallbacks */
export {
  browserRuntime,
  type BrowserRuntime,
  type BrowserRuntimeInfo,
  type BrowserRuntimeOptions,
} from './runtime/browser-runtime.js';
export type { BrowserFallback, KdWasmModule } from './runtime/fallback-runtimes.js';

/* keeping the page responsive while training on the main thread */
export { timeSlicer, type TimeSlicerOptions } from './runtime/time-slicer.js';
export { yieldToBrowser } from './runtime/yield-to-browser.js';

/* models and teachers: stores (IndexedDB, downloads, HTTP), loading, cached teacher outputs */
export { BrowserModelStore, type BrowserModelStoreOptions } from './io/browser-model-store.js';
export { loadTeacher, type LoadTeacherOptions, type LoadedTeacher, type SavedModelFormat } from './io/load-teacher.js';
export { IndexedDbTeacherCache, type IndexedDbTeacherCacheOptions } from './cache/indexeddb-teacher-cache.js';

/* training in a Web Worker */
export {
  trainInWorker,
  type TrainInWorkerOptions,
  type WorkerProgress,
  type WorkerTrainingResult,
} from './worker/train-in-worker.js';
export type { MessageEndpoint } from './worker/protocol.js';
export {
  loadStudent,
  studentFromModel,
  type LoadStudentOptions,
  type LoadedStudent,
  type StudentDownload,
  type StudentPrediction,
} from './io/load-student.js';
export {
  type PixelImage,
  type StudentImage,
  type StudentInput,
  type StudentPreprocessing,
} from './io/student-preprocessing.js';
