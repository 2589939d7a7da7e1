import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { isKdError, type KdError } from '@kd/core';
import { cpuRuntime } from '@kd/core/cpu';
import { browserRuntime } from '../src/index.js';

describe('browserRuntime on WebGL', () => {
  it('starts the webgl backend and reports what it got', async () => {
    const runtime = browserRuntime();
    expect(runtime.name).toBe('webgl');
    const info = await runtime.init();
    expect(tf.getBackend()).toBe('webgl');
    expect(info.backend).toBe('webgl');
    expect(info.webglVersion).toBe(2);
    expect(info.fellBack).toBe(false);
    expect(info.fallbackReason).toBeUndefined();
    // tfjs 4.22 says 16 whenever float32 textures are on; the runtime reports what the textures hold.
    expect(info.floatPrecision).toBe(tf.env().getBool('WEBGL_RENDER_FLOAT32_ENABLED') ? 32 : 16);
    // Unpacked kernels by default, for parity with cpu and wasm (see BrowserRuntimeOptions.webglPack).
    expect(tf.env().getBool('WEBGL_PACK')).toBe(false);
    expect(info.webglPack).toBe(false);
    expect(info.renderFloat32).toBe(tf.env().getBool('WEBGL_RENDER_FLOAT32_ENABLED'));
    expect(info.offscreenCanvas).toBe(true); // tfjs draws WebGL2 on an OffscreenCanvas in Chromium
    expect(runtime.name).toBe('webgl');
    expect(runtime.hasKernel('BatchMatMul')).toBe(true);
    expect(runtime.hasKernel('NoSuchKernel')).toBe(false);
  });

  it('init() switches tfjs back to webgl after another runtime took the engine', async () => {
    const runtime = browserRuntime();
    const first = await runtime.init();
    await cpuRuntime().init();
    expect(tf.getBackend()).toBe('cpu');
    expect(await runtime.init()).toBe(first);
    expect(tf.getBackend()).toBe('webgl');
  });

  it('checks its options when it is created', () => {
    const bad: Array<[Record<string, unknown>, string]> = [
      [{ yieldEveryMs: -1 }, 'yieldEveryMs'],
      [{ yieldEveryMs: Number.NaN }, 'yieldEveryMs'],
      [{ webglPack: 'yes' }, 'webglPack'],
      [{ fallback: 'gpu' }, 'fallback'],
      [{ fallback: ['cpu', 3] }, 'fallback'],
      [{ loadWasm: '@kd/wasm' }, 'loadWasm'],
      [{ cache: {} }, 'cache'],
      [{ fallbacks: 'cpu' }, 'fallbacks'],
    ];
    for (const [options, named] of bad) {
      let error: unknown;
      try {
        browserRuntime(options as never);
      } catch (e) {
        error = e;
      }
      expect(isKdError(error, 'KD_INVALID_ARGUMENT'), JSON.stringify(options)).toBe(true);
      expect((error as KdError).message).toContain(named);
    }
  });

  it('is idempotent', async () => {
    const runtime = browserRuntime();
    const [a, b] = await Promise.all([runtime.init(), runtime.init()]);
    expect(b).toBe(a);
    expect(await runtime.init()).toBe(a);
  });

  it('computes in float32 on WebGL2 (a matmul matches a float64 reference to float32 rounding)', async () => {
    await browserRuntime().init();
    const a = [0.1, -0.7, 1.3, 2.9, -3.1, 0.05];
    const b = [1.7, -0.2, 0.33, 4.1, -1.9, 0.6];
    const before = tf.memory().numTensors;
    const out = tf.tidy(() => tf.matMul(tf.tensor2d(a, [2, 3]), tf.tensor2d(b, [3, 2])));
    const got = await out.data();
    out.dispose();
    const ref = [0, 1].flatMap((i) =>
      [0, 1].map((j) => a[i * 3]! * b[j]! + a[i * 3 + 1]! * b[2 + j]! + a[i * 3 + 2]! * b[4 + j]!),
    );
    ref.forEach((r, k) => expect(Math.abs(got[k]! - r)).toBeLessThan(1e-6 * Math.max(1, Math.abs(r))));
    expect(tf.memory().numTensors).toBe(before);
  });
});
