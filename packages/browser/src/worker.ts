// @kd/browser/worker: what a worker module imports to serve trainInWorker jobs, written out by
// name; test/public-api.test.ts snapshots it.

/* serving jobs */
export { serveDistillWorker, type DistillWorkerOptions } from './worker/serve-distill-worker.js';

/* the messages between page and worker, for those who speak the protocol themselves */
export type {
  FromWorker,
  MessageEndpoint,
  SerializedData,
  SerializedError,
  SerializedModel,
  SerializedTeacher,
  SerializedTensor,
  ToWorker,
  WorkerJob,
  WorkerJobResult,
  WorkerTrainingSettings,
} from './worker/protocol.js';
