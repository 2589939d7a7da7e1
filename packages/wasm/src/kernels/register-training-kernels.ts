import {
  getKernel,
  MaxPoolGrad,
  OneHot,
  registerKernel,
  unregisterKernel,
  type KernelConfig,
} from '@tensorflow/tfjs-core';
import { conv2DBackpropFilterConfig } from './conv2d-backprop-filter.js';
import { depthwiseConv2dNativeBackpropFilterConfig } from './depthwise-backprop-filter.js';
import { depthwiseConv2dNativeBackpropInputConfig } from './depthwise-backprop-input.js';
import { guardedMaxPoolGradConfig } from './max-pool-grad-guard.js';
import { oneHotFloatSafeConfig } from './one-hot-guard.js';
import { unsortedSegmentSumConfig } from './unsorted-segment-sum.js';

/** Kernels stock tfjs-backend-wasm 4.22.0 lacks and that training a student needs. */
export const FILLED_KERNELS = [
  'Conv2DBackpropFilter',
  'DepthwiseConv2dNativeBackpropFilter',
  'DepthwiseConv2dNativeBackpropInput',
  'UnsortedSegmentSum',
] as const;

/** Kernels tfjs-backend-wasm has but that @kd/wasm checks and replaces where they are wrong. */
export const GUARDED_KERNELS = ['MaxPoolGrad', 'OneHot'] as const;

/** What {@link registerWasmTrainingKernels} found and did. */
export interface TrainingKernelReport {
  /** Kernels now served by @kd/wasm's implementations. */
  filled: string[];
  /** Kernels tfjs-backend-wasm already had, left as they are. */
  kept: string[];
  /** Kernels whose stock version is probed on first use and replaced if it is wrong. */
  guarded: string[];
}

// A global symbol, so that two bundled copies of @kd/wasm recognise each other's kernels.
const KD_KERNEL = Symbol.for('@kd/wasm/kernel');

function isOurs(config: KernelConfig | undefined): boolean {
  return config !== undefined && (config.kernelFunc as unknown as Record<symbol, unknown>)[KD_KERNEL] === true;
}

function marked(config: KernelConfig): KernelConfig {
  const kernelFunc: KernelConfig['kernelFunc'] = (args) => config.kernelFunc(args);
  Object.defineProperty(kernelFunc, KD_KERNEL, { value: true });
  return { ...config, kernelFunc };
}

/**
 * Registers, for the `wasm` backend, every kernel a student's training step needs that
 * tfjs-backend-wasm lacks (see {@link FILLED_KERNELS}), and guards the stock kernels known to
 * be wrong ({@link GUARDED_KERNELS}). Idempotent; a kernel tfjs already provides is kept, so a
 * later tfjs that ships its own wins. Call it before `tf.setBackend('wasm')`;
 * {@link wasmRuntime} does.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { registerWasmTrainingKernels } from '@kd/wasm';
 * registerWasmTrainingKernels();
 * await tf.setBackend('wasm'); // conv students now train on wasm
 * ```
 */
export function registerWasmTrainingKernels(): TrainingKernelReport {
  const report: TrainingKernelReport = { filled: [], kept: [], guarded: [] };
  for (const config of [
    conv2DBackpropFilterConfig,
    depthwiseConv2dNativeBackpropFilterConfig,
    depthwiseConv2dNativeBackpropInputConfig,
    unsortedSegmentSumConfig,
  ]) {
    const existing = getKernel(config.kernelName, 'wasm');
    if (existing === undefined) registerKernel(marked(config));
    (existing === undefined || isOurs(existing) ? report.filled : report.kept).push(config.kernelName);
  }
  const stockMaxPoolGrad = getKernel(MaxPoolGrad, 'wasm');
  if (!isOurs(stockMaxPoolGrad)) {
    if (stockMaxPoolGrad !== undefined) unregisterKernel(MaxPoolGrad, 'wasm');
    registerKernel(marked(guardedMaxPoolGradConfig(stockMaxPoolGrad)));
  }
  report.guarded.push(MaxPoolGrad);
  const stockOneHot = getKernel(OneHot, 'wasm');
  if (stockOneHot !== undefined && !isOurs(stockOneHot)) {
    unregisterKernel(OneHot, 'wasm');
    registerKernel(marked(oneHotFloatSafeConfig(stockOneHot)));
  }
  report.guarded.push(OneHot);
  return report;
}
