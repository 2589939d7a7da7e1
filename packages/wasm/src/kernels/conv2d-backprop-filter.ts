import {
  backend_util,
  Conv2DBackpropFilter,
  type Conv2DBackpropFilterAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { assertFloat32, exactWindowPadding } from './conv-geometry.js';
import { withWasmScope } from './kernel-scope.js';

interface Conv2DBackpropFilterArgs {
  inputs: { x: TensorInfo; dy: TensorInfo };
  backend: BackendWasm;
  attrs: Conv2DBackpropFilterAttrs;
}

/**
 * `Conv2DBackpropFilter` on wasm:
 * dW[kh, kw, ci, co] = Σ_b Σ_ij x[b, i·s + kh − pad, j·s + kw − pad, ci] · dy[b, i, j, co].
 *
 * That sum is itself a forward convolution with the roles swapped, which wasm runs through
 * XNNPACK: the padded input, transposed to [ci, rows, cols, b] (input channels as the batch,
 * the batch as channels), convolved with `dy` transposed to a [oh, ow, b, co] filter, at
 * stride 1 and dilation = the forward stride, gives [ci, kh, kw, co].
 *
 * wasm's `Conv3DBackpropFilterV2` with a depth-1 axis computes the same thing but is not used:
 * in tfjs-backend-wasm 4.22.0 its loop bounds round the wrong way for strides above 1
 * (dropping terms), and past toy sizes it is 4–15× slower than XNNPACK.
 */
export function conv2DBackpropFilterWasm(args: Conv2DBackpropFilterArgs): TensorInfo {
  const { inputs, backend, attrs } = args;
  assertFloat32(Conv2DBackpropFilter, inputs);
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs;
  const info = backend_util.computeConv2DInfo(
    inputs.x.shape as [number, number, number, number],
    filterShape,
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    backend_util.convertConv2DDataFormat(dataFormat),
  );
  return withWasmScope(backend, (scope) => {
    const channelsFirst = info.dataFormat === 'channelsFirst';
    // Padding is worked out on NHWC; dy goes from either layout straight to the filter layout.
    const windows = scope.padOrCrop(
      channelsFirst ? scope.transpose(inputs.x, [0, 2, 3, 1]) : inputs.x,
      exactWindowPadding(info),
    );
    const channelsAsBatch = scope.transpose(windows, [3, 1, 2, 0]);
    const dyAsFilter = scope.transpose(inputs.dy, channelsFirst ? [2, 3, 0, 1] : [1, 2, 0, 3]);
    const dw = scope.run(
      'Conv2D',
      { x: channelsAsBatch, filter: dyAsFilter },
      { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', dilations: [info.strideHeight, info.strideWidth] },
    );
    return scope.transpose(dw, [1, 2, 0, 3]);
  });
}

/** Kernel config registered for the `wasm` backend. */
export const conv2DBackpropFilterConfig: KernelConfig = {
  kernelName: Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: conv2DBackpropFilterWasm as unknown as KernelFunc,
};
