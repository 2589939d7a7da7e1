import { OneHot, type KernelConfig, type KernelFunc, type OneHotAttrs, type TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { withWasmScope } from './kernel-scope.js';

interface OneHotArgs {
  inputs: { indices: TensorInfo };
  backend: BackendWasm;
  attrs: OneHotAttrs;
}

/**
 * tfjs-backend-wasm 4.22.0's `OneHot` ignores a non-int32 `dtype`: asked for float32 it writes
 * int32 bit patterns into a float32 tensor, so a 1 reads back as 1.4e-45. Its int32 output is
 * right, so the wrapper asks for int32 and casts; int32 requests go to the stock kernel as they are.
 */
export function oneHotFloatSafeConfig(stock: KernelConfig): KernelConfig {
  const kernelFunc = (args: OneHotArgs): TensorInfo => {
    const run = (attrs: OneHotAttrs) =>
      stock.kernelFunc({ ...args, attrs } as unknown as Parameters<KernelFunc>[0]) as TensorInfo;
    if (args.attrs.dtype === 'int32') return run(args.attrs);
    const asInt = run({ ...args.attrs, dtype: 'int32' });
    try {
      return withWasmScope(args.backend, (scope) => scope.run('Cast', { x: asInt }, { dtype: args.attrs.dtype }));
    } finally {
      args.backend.disposeData(asInt.dataId);
    }
  };
  return {
    kernelName: OneHot,
    backendName: 'wasm',
    kernelFunc: kernelFunc as unknown as KernelFunc,
    ...(stock.setupFunc ? { setupFunc: stock.setupFunc } : {}),
    ...(stock.disposeFunc ? { disposeFunc: stock.disposeFunc } : {}),
  };
}
