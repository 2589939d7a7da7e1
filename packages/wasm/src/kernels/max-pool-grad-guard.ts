import { MaxPoolGrad, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { maxPoolGradWasm, type MaxPoolGradArgs } from './max-pool-grad.js';

/**
 * A 1×4 image [-2, -1, 3, 3] pooled 1×2 with stride 2. The right gradient of dy = [1, 1] is
 * [0, 1, 1, 0]: the maximum of an all-negative window is found, and of two equal maxima the
 * first one gets the gradient. tfjs-backend-wasm 4.22.0 starts its search at the smallest
 * positive float (so all-negative or all-zero windows lose their gradient) and keeps the last
 * of equal maxima; it answers [1, 0, 0, 1].
 */
const PROBE = {
  input: { shape: [1, 1, 4, 1], values: [-2, -1, 3, 3] },
  output: { shape: [1, 1, 2, 1], values: [-1, 3] },
  dy: { shape: [1, 1, 2, 1], values: [1, 1] },
  expected: [0, 1, 1, 0],
} as const;

/** Whether a `MaxPoolGrad` kernel gives the right answer on {@link PROBE}. */
export function maxPoolGradIsSound(kernel: KernelConfig, backend: BackendWasm): boolean {
  const made: TensorInfo[] = [];
  const make = (p: { shape: readonly number[]; values: readonly number[] }) => {
    const t = backend.makeOutput([...p.shape], 'float32', undefined, Float32Array.from(p.values));
    made.push(t);
    return t;
  };
  try {
    const out = kernel.kernelFunc({
      inputs: { input: make(PROBE.input), output: make(PROBE.output), dy: make(PROBE.dy) },
      backend,
      attrs: { filterSize: [1, 2], strides: [1, 2], pad: 'valid' },
    });
    const dx = Array.isArray(out) ? out[0] : out;
    if (dx === undefined) return false;
    made.push(dx);
    const got = Array.from(backend.readSync(dx.dataId) as Float32Array);
    return got.length === PROBE.expected.length && got.every((v, i) => v === PROBE.expected[i]);
  } catch {
    return false;
  } finally {
    for (const t of made) backend.disposeData(t.dataId);
  }
}

/**
 * The `MaxPoolGrad` config @kd/wasm registers: tfjs's own kernel when it passes the probe
 * (checked once, on first use, since only then is a backend at hand), else
 * {@link maxPoolGradWasm}. The stock kernel's setup function is kept so tfjs still prepares it.
 */
export function guardedMaxPoolGradConfig(stock: KernelConfig | undefined): KernelConfig {
  let stockIsSound: boolean | undefined;
  const kernelFunc = (args: MaxPoolGradArgs): TensorInfo => {
    if (stock !== undefined) {
      stockIsSound ??= maxPoolGradIsSound(stock, args.backend);
      if (stockIsSound) return stock.kernelFunc(args as unknown as Parameters<KernelFunc>[0]) as TensorInfo;
    }
    return maxPoolGradWasm(args);
  };
  return {
    kernelName: MaxPoolGrad,
    backendName: 'wasm',
    kernelFunc: kernelFunc as unknown as KernelFunc,
    ...(stock?.setupFunc ? { setupFunc: stock.setupFunc } : {}),
    ...(stock?.disposeFunc ? { disposeFunc: stock.disposeFunc } : {}),
  };
}
