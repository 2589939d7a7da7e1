export { serveDistillWorker, type DistillWorkerOptions } from './worker/serve-distill-worker.js';
export type * from './worker/protocol.js';
