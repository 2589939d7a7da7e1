// The training worker of "Distil here": kd's worker loop, nothing else.
import { serveDistillWorker } from '@kd/browser/worker';

serveDistillWorker();
