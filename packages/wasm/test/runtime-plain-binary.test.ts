import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { wasmRuntime } from '../src/index.js';
import { useBackend } from './helpers/backends.js';
import { lossAndGradients, STUDENTS, type StudentSpec } from './helpers/students.js';

// This file runs in its own process: the settings below apply only before wasm first starts.
const wasmFolder = dirname(
  createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'),
);

describe('wasmRuntime with explicit paths, SIMD off and threads off', () => {
  it('loads the plain binary from the given folder and reports it', async () => {
    const info = await wasmRuntime({ wasmPaths: wasmFolder, simd: false, threads: false }).init();
    expect(info).toMatchObject({ backend: 'wasm', floatPrecision: 32, simd: false, threads: 1 });
    expect(info).toMatchObject({ binary: 'tfjs-backend-wasm.wasm', platform: 'node' });
  });

  it('accepts the same settings again once started', async () => {
    await expect(wasmRuntime({ wasmPaths: wasmFolder, simd: false, threads: false }).init()).resolves.toMatchObject({
      simd: false,
    });
  });

  it('trains the conv student with the same gradients as cpu on the plain binary', async () => {
    const spec = STUDENTS[0] as StudentSpec;
    await useBackend('cpu');
    let model = spec.build();
    const cpu = lossAndGradients(spec, model, 7);
    model.dispose();
    await useBackend('wasm');
    model = spec.build();
    const wasm = lossAndGradients(spec, model, 7);
    model.dispose();
    expect(Math.abs(wasm.loss - cpu.loss)).toBeLessThan(1e-5);
    const scale = Math.max(...cpu.grads.flatMap((g) => Array.from(g, Math.abs)));
    cpu.grads.forEach((g, v) =>
      g.forEach((want, i) => expect(Math.abs((wasm.grads[v]?.[i] as number) - want)).toBeLessThan(5e-5 * scale)),
    );
    expect(tf.getBackend()).toBe('wasm');
  });
});
