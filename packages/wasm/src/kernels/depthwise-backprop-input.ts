import {
  backend_util,
  DepthwiseConv2dNativeBackpropInput,
  type DepthwiseConv2dNativeBackpropInputAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { assertFloat32 } from './conv-geometry.js';
import { withWasmScope } from './kernel-scope.js';

interface DepthwiseBackpropInputArgs {
  inputs: { dy: TensorInfo; filter: TensorInfo };
  backend: BackendWasm;
  attrs: DepthwiseConv2dNativeBackpropInputAttrs;
}

/**
 * `DepthwiseConv2dNativeBackpropInput` on wasm, as the transposed convolution written with a
 * forward `DepthwiseConv2dNative`: `dy` spread `stride` apart with zeros, padded by
 * `effectiveFilter − 1 − padTop` in front, convolved (stride 1, the forward dilation) with the
 * spatially flipped filter, one filter per (c, m) output channel; then the M channel-multiplier
 * outputs of each input channel are summed.
 */
export function depthwiseConv2dNativeBackpropInputWasm(args: DepthwiseBackpropInputArgs): TensorInfo {
  const { inputs, backend, attrs } = args;
  assertFloat32(DepthwiseConv2dNativeBackpropInput, inputs);
  const { strides, dilations, pad, dimRoundingMode, inputShape } = attrs;
  const { dy, filter } = inputs;
  const info = backend_util.computeConv2DInfo(
    inputShape,
    filter.shape as [number, number, number, number],
    strides,
    dilations,
    pad,
    dimRoundingMode,
    true,
  );
  const { batchSize: b, inHeight: h, inWidth: w, inChannels: c, filterHeight: kh, filterWidth: kw } = info;
  const m = filter.shape[3] as number;
  return withWasmScope(backend, (scope) => {
    const spread = scope.spread(dy, info.strideHeight, info.strideWidth);
    const [, rows, cols] = spread.shape as [number, number, number, number];
    const top = info.effectiveFilterHeight - 1 - info.padInfo.top;
    const left = info.effectiveFilterWidth - 1 - info.padInfo.left;
    // 'valid' sweep of the dilated filter must yield exactly h × w outputs.
    const bottom = h + info.effectiveFilterHeight - 1 - top - rows;
    const right = w + info.effectiveFilterWidth - 1 - left - cols;
    const padded = scope.padOrCrop(spread, [
      [0, 0],
      [top, bottom],
      [left, right],
      [0, 0],
    ]);
    const flipped = scope.reshape(scope.run('Reverse', { x: filter }, { dims: [0, 1] }), [kh, kw, c * m, 1]);
    const perOutputChannel = scope.run(
      'DepthwiseConv2dNative',
      { x: padded, filter: flipped },
      { strides: [1, 1], dilations: [info.dilationHeight, info.dilationWidth], pad: 'valid' },
    );
    return m === 1 ? perOutputChannel : scope.sum(scope.reshape(perOutputChannel, [b, h, w, c, m]), 4);
  });
}

/** Kernel config registered for the `wasm` backend. */
export const depthwiseConv2dNativeBackpropInputConfig: KernelConfig = {
  kernelName: DepthwiseConv2dNativeBackpropInput,
  backendName: 'wasm',
  kernelFunc: depthwiseConv2dNativeBackpropInputWasm as unknown as KernelFunc,
};
