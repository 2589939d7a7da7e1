import * as tf from '@tensorflow/tfjs-core';
import { isKdError, type KdError } from '@kd/core';
import { describe, expect, it, vi } from 'vitest';
import { FILLED_KERNELS, WASM_BINARY_NAMES, wasmRuntime } from '../src/index.js';
import { normalizeWasmPaths } from '../src/paths/wasm-paths.js';

function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw');
}

describe('wasmRuntime', () => {
  it('does nothing until init: no kernels registered, no backend started', () => {
    const runtime = wasmRuntime();
    expect(runtime.name).toBe('wasm');
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeUndefined();
    expect(tf.engine().registry.wasm).toBeUndefined();
    expect(runtime.hasKernel('Conv2DBackpropFilter')).toBe(false);
  });

  it('starts wasm in Node with SIMD, one thread and the training kernels, and says so', async () => {
    const runtime = wasmRuntime();
    const info = await runtime.init();
    expect(tf.getBackend()).toBe('wasm');
    expect(info).toEqual({
      backend: 'wasm',
      floatPrecision: 32,
      simd: true,
      threads: 1,
      platform: 'node',
      crossOriginIsolated: false,
      binary: 'tfjs-backend-wasm-simd.wasm',
      tfjsBackendWasm: '4.22.0',
      kernels: { filled: [...FILLED_KERNELS], kept: [], guarded: ['MaxPoolGrad', 'OneHot'] },
    });
    for (const name of [...FILLED_KERNELS, 'MaxPoolGrad']) expect(runtime.hasKernel(name)).toBe(true);
  });

  it('is idempotent, and a second runtime with default options shares the started backend', async () => {
    const runtime = wasmRuntime();
    const first = await runtime.init();
    expect(await runtime.init()).toBe(first);
    expect(await wasmRuntime().init()).toMatchObject({ backend: 'wasm', simd: true });
  });

  it('refuses settings that can no longer apply once the backend runs', async () => {
    const err = await wasmRuntime({ simd: false })
      .init()
      .catch((e: unknown) => e);
    expect(isKdError(err, 'KD_INVALID_ARGUMENT')).toBe(true);
    expect((err as KdError).message).toContain('already started');
  });

  it('yields to the event loop once ~10 ms of work have passed since its last yield', async () => {
    // A clock the test moves, so the machine's load cannot add time between two calls.
    let clock = 0;
    const now = vi.spyOn(performance, 'now').mockImplementation(() => clock);
    try {
      const runtime = wasmRuntime();
      let immediates = 0;
      const count = () => void setImmediate(() => (immediates += 1));
      clock += 15;
      count();
      await runtime.nextTick(); // 15 ms of work: a trip through the event loop
      expect(immediates).toBe(1);
      clock += 5;
      count();
      await runtime.nextTick(); // 5 ms after that trip: none
      expect(immediates).toBe(1);
      clock += 5;
      await runtime.nextTick(); // 10 ms: a trip again
      expect(immediates).toBe(2);
    } finally {
      now.mockRestore();
    }
  });
});

describe('wasmRuntime options are checked when the runtime is created', () => {
  it.each([
    [{ threads: 0 }, 'threads'],
    [{ threads: 2.5 }, 'threads'],
    [{ threads: 'abc' as unknown as number }, 'threads'],
    [{ cache: {} as never }, 'cache'],
    [{ modelDir: './m' } as never, 'modelDir'],
    [{ simd: 'yes' as unknown as boolean }, 'simd'],
    [{ usePlatformFetch: 1 as unknown as boolean }, 'usePlatformFetch'],
    [{ wasmPaths: '' }, 'wasmPaths'],
    [
      {
        wasmPaths: { 'tfjs-backend-wasm.wasm': '/a.wasm' } as unknown as Record<
          (typeof WASM_BINARY_NAMES)[number],
          string
        >,
      },
      'tfjs-backend-wasm-simd.wasm',
    ],
  ])('%j is rejected with KD_INVALID_ARGUMENT naming %s', (options, named) => {
    const err = thrown(() => wasmRuntime(options));
    expect(isKdError(err, 'KD_INVALID_ARGUMENT')).toBe(true);
    expect((err as KdError).message).toContain(named);
  });

  it('gives a folder a trailing slash (tfjs appends file names as they are) and keeps a full map', () => {
    expect(normalizeWasmPaths('/assets/wasm')).toBe('/assets/wasm/');
    expect(normalizeWasmPaths('https://cdn.example/tfjs/')).toBe('https://cdn.example/tfjs/');
    const map = Object.fromEntries(WASM_BINARY_NAMES.map((n) => [n, `/hashed/${n}`])) as Record<
      (typeof WASM_BINARY_NAMES)[number],
      string
    >;
    expect(normalizeWasmPaths(map)).toEqual(map);
    const err = thrown(() => normalizeWasmPaths({ ...map, 'extra.wasm': '/x' } as typeof map));
    expect((err as KdError).message).toContain('unknown: extra.wasm');
  });
});
