import { availableParallelism } from 'node:os';
import { createBackendRuntime, type KdRuntime, type ModelStore, type TeacherCache } from '@kd/core';
import { FileTeacherCache, type TeacherCachePrecision } from '../cache/file-teacher-cache.js';
import { defaultCacheRoot } from '../cache/cache-dir.js';
import { FileModelStore } from '../io/file-model-store.js';
import { loadTfjsNode, nativeTensorFlowVersion } from './load-tfjs-node.js';

/** Options for {@link nodeRuntime}. */
export interface NodeRuntimeOptions {
  /** Folder of the default {@link FileModelStore} (default `./kd-models`). Ignored when `models` is given. */
  modelDir?: string;
  /** Folder of the default {@link FileTeacherCache} (default `$KD_CACHE_DIR/teacher-outputs`, i.e. `~/.cache/kd/teacher-outputs`). */
  cacheDir?: string;
  /** Precision teacher outputs are stored at on disk (default `float32`). */
  cachePrecision?: TeacherCachePrecision;
  /**
   * TensorFlow intra-op threads. Sets `TF_NUM_INTRAOP_THREADS` before the addon loads; it has no
   * effect once tfjs-node was loaded in this process. Default: TensorFlow's (one per core).
   */
  threads?: number;
  /**
   * Hide TensorFlow's informational start-up lines (sets `TF_CPP_MIN_LOG_LEVEL=1` unless the
   * variable is already set). Default true.
   */
  quietNativeLogs?: boolean;
  models?: ModelStore;
  cache?: TeacherCache;
}

/**
 * The kd runtime for Node on native TensorFlow (`@tensorflow/tfjs-node`, backend `tensorflow`),
 * with a file model store and a disk teacher cache. Creating it has no side effects; `init()`
 * loads tfjs-node and fails with `KD_BACKEND_UNAVAILABLE` (pointing at `npx kd-node provision`)
 * when its native addon is missing.
 *
 * @example
 * ```ts
 * import { nodeRuntime } from '@kd/node';
 * const runtime = nodeRuntime({ modelDir: './models' });
 * const info = await runtime.init();
 * console.log(info.backend, info.extra?.tensorflow); // 'tensorflow' '2.18.1'
 * ```
 */
export function nodeRuntime(options: NodeRuntimeOptions = {}): KdRuntime {
  let tensorflowVersion: string | undefined;
  let tfjsNodeVersion: string | undefined;
  return createBackendRuntime({
    name: 'node',
    backend: 'tensorflow',
    models: options.models ?? new FileModelStore(options.modelDir ?? 'kd-models'),
    cache:
      options.cache ??
      new FileTeacherCache(options.cacheDir ?? defaultCacheRoot('teacher-outputs'), {
        precision: options.cachePrecision,
      }),
    unavailableHint: 'Run `npx kd-node check` to see why, and `npx kd-node provision` to build the native addon.',
    async setup() {
      if (options.threads !== undefined) process.env.TF_NUM_INTRAOP_THREADS = String(options.threads);
      if (options.quietNativeLogs !== false) process.env.TF_CPP_MIN_LOG_LEVEL ??= '1';
      const tfn = await loadTfjsNode();
      tensorflowVersion = nativeTensorFlowVersion(tfn);
      tfjsNodeVersion = tfn.version['tfjs-node'];
    },
    describe() {
      const fromEnv = Number(process.env.TF_NUM_INTRAOP_THREADS);
      return {
        threads: Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : availableParallelism(),
        extra: { tensorflow: tensorflowVersion, tfjsNode: tfjsNodeVersion, node: process.version },
      };
    },
  });
}
