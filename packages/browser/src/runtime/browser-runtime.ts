import * as tf from '@tensorflow/tfjs-core';
import {
  createBackendRuntime,
  isKdError,
  KdError,
  optionRules,
  RUNTIME_OPTION_RULES,
  validateRuntimeOptions,
  type KdRuntime,
  type OptionRule,
  type RuntimeInfo,
  type ModelStore,
  type RuntimeOptions,
  type TeacherCache,
} from '@kd/core';
import { memoPromise } from '@kd/core/internal';
import { IndexedDbTeacherCache } from '../cache/indexeddb-teacher-cache.js';
import { BrowserModelStore } from '../io/browser-model-store.js';
import { fallbackRuntime, importKdWasm, type BrowserFallback, type KdWasmModule } from './fallback-runtimes.js';
import { timeSlicer } from './time-slicer.js';
import { readWebGLFacts } from './webgl-facts.js';

/** Options for {@link browserRuntime}. */
export interface BrowserRuntimeOptions extends RuntimeOptions {
  /**
   * What to run on when WebGL cannot start; tried in order. Without one, `init()` fails with
   * `KD_BACKEND_UNAVAILABLE`.
   */
  fallback?: BrowserFallback | BrowserFallback[];
  /** How a `'wasm'` fallback loads `@kd/wasm` (default: a run-time `import('@kd/wasm')` bundlers do not see). */
  loadWasm?: () => Promise<KdWasmModule>;
  /** Milliseconds of training work between two yields to the page (default 16; 0 yields after every batch). */
  yieldEveryMs?: number;
  /**
   * Model store (default: a {@link BrowserModelStore} for `indexeddb://`, `localstorage://`,
   * `downloads://` and HTTP keys).
   */
  models?: ModelStore;
  /** Teacher-output cache (default: an {@link IndexedDbTeacherCache} named `kd-teacher-outputs`). */
  cache?: TeacherCache;
  /**
   * tfjs's packed WebGL kernels (`WEBGL_PACK`). Default `false`: with packing, a matrix product of
   * GPU-computed operands was measured ~1e-3 relative off on SwiftShader, enough for SGD to drift
   * 9% from cpu/wasm in 24 steps; unpacked kernels match them to ~5e-7. Set `true` for speed
   * where parity with other runtimes matters less. Applies to the whole page's tfjs engine.
   */
  webglPack?: boolean;
}

/** What {@link BrowserRuntime.init} reports. */
export interface BrowserRuntimeInfo extends RuntimeInfo {
  /** 2 for WebGL2, 1 for WebGL1, 0 when the browser gave no WebGL context. */
  webglVersion: 0 | 1 | 2;
  /** Whether WebGL could not start and a fallback runs instead. */
  fellBack: boolean;
  /** Why WebGL could not start (set when {@link BrowserRuntimeInfo.fellBack}). */
  fallbackReason?: string;
  /** What the fallback runtime's own `init()` reported (set when {@link BrowserRuntimeInfo.fellBack}). */
  fallbackInfo?: RuntimeInfo;
  /** Whether WebGL renders to float32 textures (tfjs then computes in float32); false without WebGL. */
  renderFloat32: boolean;
  /** Whether tfjs draws WebGL on an `OffscreenCanvas` (always so in a worker); false without WebGL. */
  offscreenCanvas: boolean;
  /** Whether tfjs's packed WebGL kernels are on (`WEBGL_PACK`, see {@link BrowserRuntimeOptions.webglPack}). */
  webglPack: boolean;
}

/** The kd runtime for browsers and web workers. */
export interface BrowserRuntime extends KdRuntime<BrowserRuntimeInfo> {
  /** `webgl`, or the name of the fallback runtime in use after a fallback. */
  readonly name: string;
}

const WEBGL_HINT =
  'WebGL is not available in this browser (tfjs could not create a WebGL context, so tf.setBackend("webgl") resolved false). ' +
  'Turn on hardware acceleration in the browser settings and check chrome://gpu (or about:support), ' +
  "or pass browserRuntime({ fallback: 'wasm' }) or { fallback: 'cpu' } to train without WebGL.";

/**
 * The kd runtime for browsers: tfjs's WebGL backend, models saved to IndexedDB, local storage or
 * downloads and loaded over HTTP, teacher outputs kept in IndexedDB across page loads, and a
 * `nextTick` that hands the page back to the browser every ~16 ms of training.
 *
 * Creating it validates the options and has no other side effect; `init()` imports `@tensorflow/tfjs-backend-webgl`, starts it
 * and fails with `KD_BACKEND_UNAVAILABLE` when WebGL is missing, unless a `fallback` is given.
 *
 * @example
 * ```ts
 * import { distill } from '@kd/core';
 * import { browserRuntime } from '@kd/browser';
 *
 * const runtime = browserRuntime({ fallback: 'cpu' });
 * const info = await runtime.init(); // { backend: 'webgl', webglVersion: 2, fellBack: false, ... }
 * await distill({ runtime, teacher, student, data, epochs: 5 });
 * await student.save(runtime.models.saveHandler('indexeddb://student'));
 * ```
 */
export function browserRuntime(input?: BrowserRuntimeOptions): BrowserRuntime {
  const options = validateRuntimeOptions('browserRuntime', input, {
    ...RUNTIME_OPTION_RULES,
    fallback: (v) => (Array.isArray(v) ? v.map(fallbackRule).find((e) => e !== undefined) : fallbackRule(v)),
    loadWasm: optionRules.function,
    yieldEveryMs: optionRules.finiteNumber(0),
    webglPack: optionRules.boolean,
  });
  const fallbacks =
    options.fallback === undefined ? [] : Array.isArray(options.fallback) ? options.fallback : [options.fallback];
  const loadWasm = options.loadWasm ?? importKdWasm;
  const models = options.models ?? new BrowserModelStore();
  const cache = options.cache ?? new IndexedDbTeacherCache();
  const nextTick = timeSlicer({ budgetMs: options.yieldEveryMs ?? 16 });

  const webgl = createBackendRuntime({
    name: 'webgl',
    backend: 'webgl',
    unavailableHint: WEBGL_HINT,
    models,
    cache,
    nextTick,
    async setup() {
      try {
        await import('@tensorflow/tfjs-backend-webgl');
      } catch (cause) {
        throw new KdError(
          'KD_BACKEND_UNAVAILABLE',
          `Could not import @tensorflow/tfjs-backend-webgl: ${(cause as Error)?.message}. Install it at the same version as @tensorflow/tfjs-core (4.22.0).`,
          { backend: 'webgl' },
          { cause },
        );
      }
      if (!tf.findBackendFactory('webgl')) {
        throw new KdError(
          'KD_BACKEND_UNAVAILABLE',
          'tfjs registers its WebGL backend only in browsers and web workers, and this is neither. ' +
            "Outside a browser use @kd/node or @kd/wasm, or pass browserRuntime({ fallback: 'cpu' }).",
          { backend: 'webgl' },
        );
      }
      tf.env().set('WEBGL_PACK', options.webglPack ?? false);
    },
  });

  let active: KdRuntime = webgl;

  const start = async (): Promise<BrowserRuntimeInfo> => {
    let webglError: unknown;
    try {
      const info = await webgl.init();
      active = webgl;
      const facts = readWebGLFacts();
      // tfjs 4.22's webgl floatPrecision() answers 16 precisely when it renders to float32 textures.
      const floatPrecision = facts.renderFloat32 ? 32 : info.floatPrecision;
      return {
        backend: info.backend,
        floatPrecision,
        webglVersion: facts.version,
        fellBack: false,
        renderFloat32: facts.renderFloat32,
        offscreenCanvas: facts.offscreen,
        webglPack: tf.env().getBool('WEBGL_PACK'),
      };
    } catch (e) {
      if (!isKdError(e, 'KD_BACKEND_UNAVAILABLE') || fallbacks.length === 0) throw e;
      webglError = e;
    }
    const reasons = [(webglError as Error).message];
    for (const fallback of fallbacks) {
      try {
        const runtime = await fallbackRuntime(fallback, loadWasm);
        const info = await runtime.init();
        active = runtime;
        return {
          backend: info.backend,
          floatPrecision: info.floatPrecision,
          webglVersion: readWebGLFacts().version,
          fellBack: true,
          ...(reasons[0] !== undefined ? { fallbackReason: reasons[0] } : {}),
          fallbackInfo: info,
          renderFloat32: false,
          offscreenCanvas: false,
          webglPack: false,
        };
      } catch (e) {
        reasons.push(
          `${typeof fallback === 'string' ? fallback : 'custom'} fallback: ${(e as Error)?.message ?? String(e)}`,
        );
      }
    }
    throw new KdError('KD_BACKEND_UNAVAILABLE', `No backend could start. ${reasons.join(' | ')}`, {
      tried: ['webgl', ...fallbacks.map((f) => (typeof f === 'string' ? f : 'custom'))],
    });
  };

  // A failed start may be retried (e.g. after the user turns on hardware acceleration).
  const ready = memoPromise(start);
  return {
    get name() {
      return active.name;
    },
    models,
    cache,
    nextTick,
    async init() {
      const info = await ready();
      // Another runtime may have switched tfjs's backend since: the active runtime's init() switches it back.
      await active.init();
      return info;
    },
    hasKernel(kernelName: string): boolean {
      return active.hasKernel(kernelName);
    },
  };
}

const fallbackRule: OptionRule = (v) =>
  v === 'wasm' || v === 'cpu' || typeof v === 'function'
    ? undefined
    : "'wasm', 'cpu', a function that returns a runtime, or a list of these";
