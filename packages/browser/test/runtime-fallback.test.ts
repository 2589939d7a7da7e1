import * as tf from '@tensorflow/tfjs-core';
import { createBackendRuntime, type KdRuntime } from '@kd/core';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { beforeAll, describe, expect, it } from 'vitest';
import { kdErrorOf } from '@kd/test-utils/kd-error';
import { browserRuntime } from '../src/index.js';
import { hideWebGL } from './helpers/hide-webgl.js';

function wasmRuntime(): KdRuntime {
  return createBackendRuntime({
    name: 'wasm',
    backend: 'wasm',
    async setup() {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      wasm.setWasmPaths({
        'tfjs-backend-wasm.wasm': wasmPlain,
        'tfjs-backend-wasm-simd.wasm': wasmSimd,
        'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded,
      });
    },
  });
}

describe('browserRuntime without WebGL', () => {
  beforeAll(() => hideWebGL());

  it('fails with KD_BACKEND_UNAVAILABLE that says what to do', async () => {
    const e = await kdErrorOf(browserRuntime().init());
    expect(e.code).toBe('KD_BACKEND_UNAVAILABLE');
    expect(e.message).toMatch(/WebGL is not available/);
    expect(e.message).toMatch(/fallback: 'wasm'/);
    expect(e.message).toMatch(/hardware acceleration/);
    expect(tf.findBackend('webgl') ?? null).toBeNull(); // no WebGL backend was created
  });

  it("falls back to tfjs's cpu kernels when asked", async () => {
    const runtime = browserRuntime({ fallback: 'cpu' });
    const info = await runtime.init();
    expect(info).toMatchObject({ backend: 'cpu', floatPrecision: 32, webglVersion: 0, fellBack: true });
    expect(info.fallbackReason).toMatch(/WebGL is not available/);
    expect(runtime.name).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(runtime.hasKernel('BatchMatMul')).toBe(true);
  });

  it('falls back to wasm through a user-supplied @kd/wasm loader', async () => {
    let loads = 0;
    const runtime = browserRuntime({
      fallback: 'wasm',
      loadWasm: async () => {
        loads++;
        return { wasmRuntime };
      },
    });
    expect(loads).toBe(0); // lazy: nothing is imported before init
    const info = await runtime.init();
    expect(loads).toBe(1);
    expect(info).toMatchObject({ backend: 'wasm', fellBack: true, webglVersion: 0 });
    expect(runtime.name).toBe('wasm');
    const y = tf.tidy(() => tf.add(tf.tensor1d([1.5, -2]), tf.tensor1d([0.25, 4])));
    expect(Array.from(await y.data())).toEqual([1.75, 2]);
    y.dispose();
  });

  it("explains how to bundle @kd/wasm when 'wasm' cannot be imported by name", async () => {
    const e = await kdErrorOf(browserRuntime({ fallback: 'wasm' }).init());
    expect(e.code).toBe('KD_BACKEND_UNAVAILABLE');
    expect(e.message).toMatch(/loadWasm: \(\) => import\('@kd\/wasm'\)/);
  });

  it('tries fallbacks in order and takes a runtime factory', async () => {
    const runtime = browserRuntime({ fallback: ['wasm', () => wasmRuntime()] });
    const info = await runtime.init();
    expect(info.backend).toBe('wasm');
    expect(info.fellBack).toBe(true);
  });
});
