export * from './types.js';
export { distill, trainFromScratch } from './distill.js';
export { defaultOptimizer } from './default-optimizer.js';
export {
  memoryCheckpointStore,
  type Checkpoint,
  type CheckpointStore,
  type CheckpointTensor,
} from './checkpoint-store.js';
export { evaluateStudent, evaluateTeacher, predictProbabilities } from './evaluate.js';
export { consoleProgress, formatEpoch } from './progress.js';
export { monitorMode } from './early-stopping.js';
export {
  streamingData,
  isStreamingData,
  type StreamBatch,
  type StreamingData,
  type StreamingDataOptions,
} from './streaming-data.js';
