export {
  browserRuntime,
  type BrowserRuntime,
  type BrowserRuntimeInfo,
  type BrowserRuntimeOptions,
} from './runtime/browser-runtime.js';
export type { BrowserFallback, KdWasmModule } from './runtime/fallback-runtimes.js';
export { timeSlicer, type TimeSlicerOptions } from './runtime/time-slicer.js';
export { yieldToBrowser } from './runtime/yield-to-browser.js';
export { BrowserModelStore, type BrowserModelStoreOptions } from './io/browser-model-store.js';
export { loadTeacher, type LoadTeacherOptions, type LoadedTeacher, type SavedModelFormat } from './io/load-teacher.js';
export { IndexedDbTeacherCache, type IndexedDbTeacherCacheOptions } from './cache/indexeddb-teacher-cache.js';
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
