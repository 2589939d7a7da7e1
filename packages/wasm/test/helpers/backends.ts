import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { registerWasmTrainingKernels } from '../../src/index.js';

/** Both backends live in one process; tensors do not move between them, so build them after switching. */
export async function useBackend(name: 'cpu' | 'wasm'): Promise<void> {
  if (name === 'wasm') registerWasmTrainingKernels();
  if (!(await tf.setBackend(name))) throw new Error(`backend ${name} did not start`);
  await tf.ready();
}

/** Live data buffers of the wasm backend: catches intermediates a kernel forgot to free. */
export function wasmDataIds(): number {
  return (tf.engine().findBackend('wasm') as BackendWasm).numDataIds();
}

/** Runs `kernelName` on the active backend with tensors built from plain arrays; returns plain arrays. */
export function runKernel(
  kernelName: string,
  inputs: Record<string, { values: ArrayLike<number>; shape: number[]; dtype?: 'float32' | 'int32' }>,
  attrs: Record<string, unknown>,
): { values: Float64Array; shape: number[]; dtype: string } {
  const out = tf.tidy(() => {
    const ins: tf.NamedTensorMap = {};
    for (const [k, v] of Object.entries(inputs))
      ins[k] = tf.tensor(Array.from(v.values), v.shape, v.dtype ?? 'float32');
    return tf.engine().runKernel(kernelName, ins, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
  });
  return readAndDispose(out);
}

/** Plain copy of a tensor's values and shape; the tensor is disposed. */
export function readAndDispose(t: tf.Tensor): { values: Float64Array; shape: number[]; dtype: string } {
  const result = { values: Float64Array.from(t.dataSync()), shape: t.shape, dtype: t.dtype };
  t.dispose();
  return result;
}
