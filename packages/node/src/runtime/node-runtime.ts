import { availableParallelism } from 'node:os';
import {
  createBackendRuntime,
  optionRules,
  RUNTIME_OPTION_RULES,
  validateRuntimeOptions,
  type KdRuntime,
  type RuntimeInfo,
  type RuntimeOptions,
} from '@kd/core';
import { FileTeacherCache, type TeacherCachePrecision } from '../cache/file-teacher-cache.js';
import { defaultCacheRoot } from '../cache/cache-dir.js';
import { FileModelStore } from '../io/file-model-store.js';
import { loadTfjsNode, nativeTensorFlowVersion } from './load-tfjs-node.js';

/** Options for {@link nodeRuntime}. */
export interface NodeRuntimeOptions extends RuntimeOptions {
  /** Folder of the default {@link FileModelStore} (default `./kd-models`). Ignored when `models` is given. */
  modelDir?: string;
  /** Folder of the default {@link FileTeacherCache} (default `$KD_CACHE_DIR/teacher-outputs`, i.e. `~/.cache/kd/teacher-outputs`). */
  cacheDir?: string;
  /** Precision teacher outputs are stored at on disk (default `float32`). */
  cachePrecision?: TeacherCachePrecision;
  /**
   * TensorFlow intra-op threads: a whole number from 1 to the number of CPU cores. Sets
   * `TF_NUM_INTRAOP_THREADS` before the addon loads; it has no effect once tfjs-node was loaded
   * in this process. Default: TensorFlow's (one per core).
   */
  threads?: number;
  /**
   * TensorFlow's oneDNN kernels (`TF_ENABLE_ONEDNN_OPTS`), set before the addon loads like
   * `threads`. Default: off, unless `TF_ENABLE_ONEDNN_OPTS` is already set (then that). kd runs
   * TensorFlow op by op, and there oneDNN is a trade: off, students (small dense and conv models)
   * train about 1.5-1.8× faster, as oneDNN adds work to every small call; on, large convolutions
   * (a Conv 256/512 teacher) train about 1.4× faster. Measured in BENCHMARKS.md ("Thread and
   * oneDNN settings").
   */
  onednn?: boolean;
  /**
   * Hide TensorFlow's informational start-up lines (sets `TF_CPP_MIN_LOG_LEVEL=1` unless the
   * variable is already set). Default true.
   */
  quietNativeLogs?: boolean;
}

/** What {@link nodeRuntime}'s `init()` reports. */
export interface NodeRuntimeInfo extends RuntimeInfo {
  /** TensorFlow intra-op threads in use. */
  threads: number;
  /**
   * Whether TensorFlow's oneDNN kernels are on, as `TF_ENABLE_ONEDNN_OPTS` asks (`onednn`, kd's
   * default off, or the variable as found); `undefined` when the variable holds a value
   * TensorFlow does not read, which leaves TensorFlow's default for the machine.
   */
  onednn: boolean | undefined;
  /** Version of the TensorFlow C library the addon runs on (e.g. `2.18.1`), when it says. */
  tensorflow: string | undefined;
  /** Version of `@tensorflow/tfjs-node`. */
  tfjsNode: string | undefined;
  /** `process.version`. */
  node: string;
}

/**
 * The kd runtime for Node on native TensorFlow (`@tensorflow/tfjs-node`, backend `tensorflow`),
 * with a file model store and a disk teacher cache. Creating it validates the options and has
 * no other side effect; `init()` loads tfjs-node and fails with `KD_BACKEND_UNAVAILABLE`
 * (pointing at `npx kd-node provision`) when its native addon is missing.
 *
 * @example
 * ```ts
 * import { nodeRuntime } from '@kd/node';
 * const runtime = nodeRuntime({ modelDir: './models' });
 * const info = await runtime.init();
 * console.log(info.backend, info.tensorflow, info.threads); // 'tensorflow' '2.18.1' 8
 * ```
 */
export function nodeRuntime(options?: NodeRuntimeOptions): KdRuntime<NodeRuntimeInfo> {
  const cores = availableParallelism();
  const o = validateRuntimeOptions('nodeRuntime', options, {
    ...RUNTIME_OPTION_RULES,
    modelDir: optionRules.string,
    cacheDir: optionRules.string,
    cachePrecision: optionRules.oneOf('float32', 'float16'),
    // TensorFlow aborts the process on a negative count and hangs starting 100000 threads.
    threads: optionRules.wholeNumber(1, cores),
    onednn: optionRules.boolean,
    quietNativeLogs: optionRules.boolean,
  });
  let tensorflowVersion: string | undefined;
  let tfjsNodeVersion: string | undefined;
  return createBackendRuntime<NodeRuntimeInfo>({
    name: 'node',
    backend: 'tensorflow',
    models: o.models ?? new FileModelStore(o.modelDir ?? 'kd-models'),
    cache:
      o.cache ??
      new FileTeacherCache(
        o.cacheDir ?? defaultCacheRoot('teacher-outputs'),
        o.cachePrecision === undefined ? {} : { precision: o.cachePrecision },
      ),
    unavailableHint: 'Run `npx kd-node check` to see why, and `npx kd-node provision` to build the native addon.',
    async setup() {
      if (o.threads !== undefined) process.env.TF_NUM_INTRAOP_THREADS = String(o.threads);
      if (o.onednn !== undefined) process.env.TF_ENABLE_ONEDNN_OPTS = o.onednn ? '1' : '0';
      else process.env.TF_ENABLE_ONEDNN_OPTS ??= '0';
      if (o.quietNativeLogs !== false) process.env.TF_CPP_MIN_LOG_LEVEL ??= '1';
      const tfn = await loadTfjsNode();
      tensorflowVersion = nativeTensorFlowVersion(tfn);
      tfjsNodeVersion = tfn.version['tfjs-node'];
    },
    describe() {
      const fromEnv = Number(process.env.TF_NUM_INTRAOP_THREADS);
      return {
        threads: Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : cores,
        onednn: onednnSetting(process.env.TF_ENABLE_ONEDNN_OPTS),
        tensorflow: tensorflowVersion,
        tfjsNode: tfjsNodeVersion,
        node: process.version,
      };
    },
  });
}

/**
 * What `TF_ENABLE_ONEDNN_OPTS` asks TensorFlow for: TensorFlow 2.18 (`IsMklEnabled` in
 * tensorflow/core/util/port.cc) reads `1`/`true` as on and `0`/`false` as off, case-insensitively
 * and untrimmed; unset or anything else leaves its own default for the machine (`DefaultOneDnnPolicy`), which
 * kd cannot read: `undefined`.
 */
export function onednnSetting(value: string | undefined): boolean | undefined {
  const v = value?.toLowerCase();
  if (v === '1' || v === 'true') return true;
  if (v === '0' || v === 'false') return false;
  return undefined;
}
