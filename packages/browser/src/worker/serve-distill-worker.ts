import { KdError, type KdRuntime, type ScheduleFunction } from '@kd/core';
import { memoPromise } from '@kd/core/internal';
import { browserRuntime } from '../runtime/browser-runtime.js';
import type { FromWorker, MessageEndpoint, ToWorker } from './protocol.js';
import { runWorkerJob } from './run-job.js';
import { serializeError } from './serialize.js';

/** Options for {@link serveDistillWorker}. */
export interface DistillWorkerOptions {
  /**
   * The runtime jobs train on, created once on the first job. Default:
   * `browserRuntime({ fallback: ['wasm', 'cpu'] })`: WebGL through an OffscreenCanvas where the
   * browser has one, else `@kd/wasm` if it can be imported by name, else tfjs's cpu kernels.
   */
  runtime?: () => KdRuntime | Promise<KdRuntime>;
  /** Functions of `fromFunction` schedules sent by name, e.g. `{ myAlpha: (ctx) => ... }`. */
  scheduleFunctions?: Record<string, ScheduleFunction>;
  /** Where messages come from (default: the worker's global scope). */
  endpoint?: MessageEndpoint;
}

/**
 * Turns the current Web Worker into a kd training worker: it answers {@link trainInWorker} jobs
 * from the page, trains with `distill` (or `trainFromScratch` without a teacher), posts progress,
 * and sends the trained weights back. Call it once from your worker module.
 *
 * @example
 * ```ts
 * // kd.worker.ts
 * import { serveDistillWorker } from '@kd/browser/worker';
 * serveDistillWorker();
 *
 * // page
 * const worker = new Worker(new URL('./kd.worker.ts', import.meta.url), { type: 'module' });
 * const result = await trainInWorker(worker, { student, teacher, data, epochs: 5 });
 * ```
 */
export function serveDistillWorker(options: DistillWorkerOptions = {}): void {
  const endpoint = options.endpoint ?? workerScope();
  // Created on the first job; a runtime factory that failed is tried again on the next one.
  const getRuntime = memoPromise((): KdRuntime | Promise<KdRuntime> =>
    options.runtime ? options.runtime() : browserRuntime({ fallback: ['wasm', 'cpu'] }),
  );
  const running = new Map<string, AbortController>();
  // Jobs share one tfjs engine, so they run one after another.
  let queue: Promise<void> = Promise.resolve();
  const post = (message: FromWorker, transfer: Transferable[] = []) => endpoint.postMessage(message, transfer);

  endpoint.addEventListener('message', (event: MessageEvent) => {
    const message = event.data as ToWorker;
    if (!message || typeof message !== 'object' || typeof message.id !== 'string') return;
    if (message.kd === 'abort') {
      running.get(message.id)?.abort();
      return;
    }
    if (message.kd !== 'train') return;
    const controller = new AbortController();
    running.set(message.id, controller);
    queue = queue.then(async () => {
      try {
        const result = await runWorkerJob(message.id, message.job, {
          runtime: await getRuntime(),
          post,
          signal: controller.signal,
          ...(options.scheduleFunctions ? { scheduleFunctions: options.scheduleFunctions } : {}),
        });
        post({ kd: 'done', id: message.id, result }, [result.student.weightData]);
      } catch (e) {
        post({ kd: 'error', id: message.id, error: serializeError(e) });
      } finally {
        running.delete(message.id);
      }
    });
  });
}

function workerScope(): MessageEndpoint {
  const scope = globalThis as unknown as { WorkerGlobalScope?: unknown; document?: unknown } & MessageEndpoint;
  if (typeof scope.WorkerGlobalScope === 'undefined' || typeof scope.postMessage !== 'function') {
    throw new KdError(
      'KD_INVALID_ARGUMENT',
      'serveDistillWorker() must run inside a Web Worker ' +
        '(create one with new Worker(new URL("./kd.worker.js", import.meta.url), { type: "module" })), ' +
        'or be given an endpoint.',
    );
  }
  return scope;
}
