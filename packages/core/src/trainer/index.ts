export * from './types.js';
export { distill, trainFromScratch } from './distill.js';
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
