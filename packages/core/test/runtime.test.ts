import * as tf from '@tensorflow/tfjs-core';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { describe, expect, it } from 'vitest';
import { cpuRuntime } from '../src/cpu.js';
import { createBackendRuntime, isKdError, KdError } from '../src/index.js';

describe('cpuRuntime', () => {
  it('initialises the cpu backend and reports float32', async () => {
    const info = await cpuRuntime().init();
    expect(info).toMatchObject({ backend: 'cpu', floatPrecision: 32 });
    expect(tf.getBackend()).toBe('cpu');
  });

  it('knows which kernels exist', () => {
    const rt = cpuRuntime();
    expect(rt.hasKernel('BatchMatMul')).toBe(true);
    expect(rt.hasKernel('NoSuchKernel')).toBe(false);
  });

  it('raises KD_BACKEND_UNAVAILABLE when tfjs silently fails to start a backend', async () => {
    const rt = createBackendRuntime({ name: 'ghost', backend: 'no-such-backend', unavailableHint: 'Install it.' });
    const err = await rt.init().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KdError);
    expect(isKdError(err, 'KD_BACKEND_UNAVAILABLE')).toBe(true);
    expect((err as KdError).message).toContain('Install it.');
  });

  it('stores models and teacher outputs in memory, by copy', async () => {
    const rt = cpuRuntime();
    const values = new Float32Array([1, 2, 3]);
    await rt.cache.set('k', { values, shape: [3, 1], kind: 'logits' });
    values[0] = 99;
    expect(Array.from((await rt.cache.get('k'))!.values)).toEqual([1, 2, 3]);
    const err = await rt.models.loadHandler('missing').load!().catch((e: unknown) => e);
    expect(isKdError(err, 'KD_MODEL_NOT_FOUND')).toBe(true);
  });
});

describe('runtimes sharing one tfjs engine', () => {
  it('init() switches back to its backend after another runtime took over', async () => {
    const cpu = cpuRuntime();
    await cpu.init();
    const other = createBackendRuntime({
      name: 'other',
      backend: 'kd-test-second',
      setup: () => void tf.registerBackend('kd-test-second', () => new MathBackendCPU()),
    });
    await other.init();
    expect(tf.getBackend()).toBe('kd-test-second');
    expect(await cpu.init()).toMatchObject({ backend: 'cpu' });
    expect(tf.getBackend()).toBe('cpu');
    await other.init();
    expect(tf.getBackend()).toBe('kd-test-second');
    tf.removeBackend('kd-test-second');
    await cpu.init();
  });
});
