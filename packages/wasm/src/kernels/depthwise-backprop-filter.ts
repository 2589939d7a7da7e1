import {
  backend_util,
  DepthwiseConv2dNativeBackpropFilter,
  type DepthwiseConv2dNativeBackpropFilterAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { assertFloat32, exactWindowPadding } from './conv-geometry.js';
import { withWasmScope } from './kernel-scope.js';

interface DepthwiseBackpropFilterArgs {
  inputs: { x: TensorInfo; dy: TensorInfo };
  backend: BackendWasm;
  attrs: DepthwiseConv2dNativeBackpropFilterAttrs;
}

/**
 * `DepthwiseConv2dNativeBackpropFilter` on wasm:
 * dW[kh, kw, c, m] = Σ_b Σ_ij x[b, i·s + kh·d − pad, j·s + kw·d − pad, c] · dy[b, i, j, c·M + m].
 *
 * Computed as one forward `DepthwiseConv2dNative` with the roles swapped: the padded input,
 * laid out as a single image with one channel per (c, b) pair, is convolved with `dy` used as
 * the filter (one per (c, b), M outputs each). The forward stride becomes the dilation and the
 * forward dilation the stride (tfjs allows only one of them above 1, so this stays legal); the
 * sum over the batch is a `Sum` at the end.
 */
export function depthwiseConv2dNativeBackpropFilterWasm(args: DepthwiseBackpropFilterArgs): TensorInfo {
  const { inputs, backend, attrs } = args;
  assertFloat32(DepthwiseConv2dNativeBackpropFilter, inputs);
  const { strides, dilations, pad, dimRoundingMode, filterShape } = attrs;
  const info = backend_util.computeConv2DInfo(
    inputs.x.shape as [number, number, number, number],
    filterShape,
    strides,
    dilations,
    pad,
    dimRoundingMode,
    true,
  );
  const { batchSize: b, inChannels: c, outHeight: oh, outWidth: ow, filterHeight: kh, filterWidth: kw } = info;
  const m = filterShape[3];
  return withWasmScope(backend, (scope) => {
    const windows = scope.padOrCrop(inputs.x, exactWindowPadding(info));
    const [, rows, cols] = windows.shape as [number, number, number, number];
    const image = scope.reshape(scope.transpose(windows, [1, 2, 3, 0]), [1, rows, cols, c * b]);
    const dy5 = scope.reshape(inputs.dy, [b, oh, ow, c, m]);
    const dyAsFilter = scope.reshape(scope.transpose(dy5, [1, 2, 3, 0, 4]), [oh, ow, c * b, m]);
    const perPair = scope.run(
      'DepthwiseConv2dNative',
      { x: image, filter: dyAsFilter },
      {
        strides: [info.dilationHeight, info.dilationWidth],
        dilations: [info.strideHeight, info.strideWidth],
        pad: 'valid',
      },
    );
    const byBatch = scope.reshape(perPair, [kh, kw, c, b, m]);
    return b === 1 ? scope.reshape(byBatch, [kh, kw, c, m]) : scope.sum(byBatch, 3);
  });
}

/** Kernel config registered for the `wasm` backend. */
export const depthwiseConv2dNativeBackpropFilterConfig: KernelConfig = {
  kernelName: DepthwiseConv2dNativeBackpropFilter,
  backendName: 'wasm',
  kernelFunc: depthwiseConv2dNativeBackpropFilterWasm as unknown as KernelFunc,
};
