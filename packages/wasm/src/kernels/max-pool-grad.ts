import { backend_util, MaxPoolGrad, type MaxPoolGradAttrs, type TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { assertFloat32, exactWindowPadding } from './conv-geometry.js';
import { withWasmScope, type WasmKernelScope } from './kernel-scope.js';

export interface MaxPoolGradArgs {
  inputs: { dy: TensorInfo; input: TensorInfo; output: TensorInfo };
  backend: BackendWasm;
  attrs: MaxPoolGradAttrs;
}

/**
 * `MaxPoolGrad` on wasm with the cpu backend's semantics: each window's gradient goes to the
 * first (row-major) element equal to the window's maximum; padding never receives any.
 *
 * Every channel of every image is treated as its own one-channel image (so no work grows with
 * the channel count), then:
 * 1. Each window is laid out along the channel axis: by a reshape and a transpose when the
 *    windows tile the image (stride = pool size, the usual 2×2/2), else by `Conv2D` with a
 *    one-hot filter (tap t of the window → output channel t), whose products with exact ones
 *    and zeros copy values bit for bit.
 * 2. Taps outside the image are pushed to −FLT_MAX and `Max` over the taps gives the window's
 *    maximum. A tap holds it exactly when `max − tap` is 0 (float subtraction of two different
 *    floats is never 0), which `Step` turns into a 0/1 mask; an exclusive `Cumsum` over the
 *    taps then keeps only the first such tap. The maximum is recomputed rather than read from
 *    the pooled output, as the cpu backend does, so a wrong forward result cannot misroute the
 *    gradient. (Step, Sub and Relu rather than Equal and Cast: wasm's broadcasting comparison
 *    is a slow generic loop, ~40× slower here.)
 * 3. Each window's routed `dy` goes back onto the pixel it came from: the inverse reshape and
 *    transpose for tiling windows (about twice as fast as the general route), otherwise a
 *    transposed convolution with the one-hot filter that sums where windows overlap, written as
 *    a forward `Conv2D` (XNNPACK) over the routed values spread `stride` apart with the filter
 *    flipped: wasm's own `Conv2DBackpropInput` is a direct loop, several times slower.
 * With overlapping or gapped windows, inputs holding ±Infinity make the one-hot product NaN
 * (0 · ∞), so such windows pass no gradient; the cpu backend would pass it to the infinite
 * element.
 */
export function maxPoolGradWasm(args: MaxPoolGradArgs): TensorInfo {
  const { inputs, backend, attrs } = args;
  assertFloat32(MaxPoolGrad, inputs);
  const { filterSize, strides, pad, dimRoundingMode } = attrs;
  const info = backend_util.computePool2DInfo(
    inputs.input.shape as [number, number, number, number],
    filterSize,
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  const {
    batchSize: b,
    inHeight: h,
    inWidth: w,
    inChannels: c,
    outHeight: oh,
    outWidth: ow,
    filterHeight: kh,
    filterWidth: kw,
  } = info;
  const taps = kh * kw;
  const tiles = info.strideHeight === kh && info.strideWidth === kw;
  return withWasmScope(backend, (scope) => {
    const perChannel = (t: TensorInfo, rows: number, cols: number) =>
      scope.reshape(scope.transpose(t, [0, 3, 1, 2]), [b * c, rows, cols, 1]);
    const windowsPadding = exactWindowPadding(info);
    const images = scope.padOrCrop(perChannel(inputs.input, h, w), windowsPadding);
    const patches = tiles ? tile(scope, images, info) : windowsAlongChannels(scope, images, info);
    const inside = insideImage(info);
    const outsidePenalty = inside.map((v) => (v === 1 ? 0 : -FLT_MAX));
    const masked = scope.run('Add', { a: patches, b: scope.constant([1, oh, ow, taps], 'float32', outsidePenalty) });
    const windowMax = scope.run('Max', { x: masked }, { reductionIndices: [3], keepDims: true });
    const belowMax = scope.run('Step', { x: scope.run('Sub', { a: windowMax, b: masked }) }, { alpha: 0 });
    // inside − belowMax is 1 for in-image maxima and 0 or −1 elsewhere; Relu keeps the 1s.
    const candidates = scope.run('Relu', {
      x: scope.run('Sub', { a: scope.constant([1, oh, ow, taps], 'float32', inside), b: belowMax }),
    });
    // Likewise candidate − (candidates before it) is 1 only for the first one.
    const earlier = scope.run('Cumsum', { x: candidates }, { axis: 3, exclusive: true, reverse: false });
    const first = scope.run('Relu', { x: scope.run('Sub', { a: candidates, b: earlier }) });
    const routed = scope.multiply(first, perChannel(inputs.dy, oh, ow));
    const spreadBack = tiles ? untile(scope, routed, info) : overlapAdd(scope, routed, info);
    const unpadded = scope.padOrCrop(
      spreadBack,
      windowsPadding.map(([before, after]) => [-before, -after] as const),
    );
    return scope.transpose(scope.reshape(unpadded, [b, c, h, w]), [0, 2, 3, 1]);
  });
}

/** [n, oh·kh, ow·kw, 1] → [n, oh, ow, kh·kw] when the windows tile the image: a plain copy. */
function tile(scope: WasmKernelScope, images: TensorInfo, info: backend_util.Conv2DInfo): TensorInfo {
  const [n] = images.shape as [number, number, number, number];
  const { outHeight: oh, outWidth: ow, filterHeight: kh, filterWidth: kw } = info;
  const windows = scope.transpose(scope.reshape(images, [n, oh, kh, ow, kw]), [0, 1, 3, 2, 4]);
  return scope.reshape(windows, [n, oh, ow, kh * kw]);
}

/** Window tap t of output (i, j) → channel t, for any stride: a `Conv2D` with a one-hot filter. */
function windowsAlongChannels(scope: WasmKernelScope, images: TensorInfo, info: backend_util.Conv2DInfo): TensorInfo {
  const taps = info.filterHeight * info.filterWidth;
  const oneHot = scope.constant([info.filterHeight, info.filterWidth, 1, taps], 'float32', oneHotTaps(taps));
  return scope.run(
    'Conv2D',
    { x: images, filter: oneHot },
    { strides: [info.strideHeight, info.strideWidth], pad: 'valid', dataFormat: 'NHWC', dilations: [1, 1] },
  );
}

/** [n, oh, ow, kh·kw] → [n, oh·kh, ow·kw, 1]: tap (a, b) of window (i, j) lands on pixel (i·kh + a, j·kw + b). */
function untile(scope: WasmKernelScope, routed: TensorInfo, info: backend_util.Conv2DInfo): TensorInfo {
  const [n, oh, ow] = routed.shape as [number, number, number, number];
  const { filterHeight: kh, filterWidth: kw } = info;
  const windows = scope.transpose(scope.reshape(routed, [n, oh, ow, kh, kw]), [0, 1, 3, 2, 4]);
  return scope.reshape(windows, [n, oh * kh, ow * kw, 1]);
}

/** The transposed one-hot convolution: Σ over windows of their taps, placed at i·stride + a. */
function overlapAdd(scope: WasmKernelScope, routed: TensorInfo, info: backend_util.Conv2DInfo): TensorInfo {
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = info;
  const taps = kh * kw;
  // spread() leaves stride − 1 zero rows at the end; 'valid' needs kh − 1 of padding there.
  const spread = scope.padOrCrop(scope.spread(routed, sh, sw), [
    [0, 0],
    [kh - 1, kh - sh],
    [kw - 1, kw - sw],
    [0, 0],
  ]);
  const flippedOneHot = scope.constant([kh, kw, taps, 1], 'float32', flippedOneHotTaps(taps));
  return scope.run(
    'Conv2D',
    { x: spread, filter: flippedOneHot },
    { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', dilations: [1, 1] },
  );
}

/** Largest finite float32. */
const FLT_MAX = 3.4028234663852886e38;

function oneHotTaps(taps: number): Float32Array {
  const f = new Float32Array(taps * taps);
  for (let t = 0; t < taps; t++) f[t * taps + t] = 1;
  return f;
}

/** [kh, kw, taps, 1]: tap t arrives from filter position t mirrored, which undoes step 1's layout. */
function flippedOneHotTaps(taps: number): Float32Array {
  const f = new Float32Array(taps * taps);
  for (let t = 0; t < taps; t++) f[(taps - 1 - t) * taps + t] = 1;
  return f;
}

/** 1 where window tap (a, b) of output (i, j) lies inside the unpadded image, else 0. */
function insideImage(info: backend_util.Conv2DInfo): Float32Array {
  const {
    outHeight: oh,
    outWidth: ow,
    filterHeight: kh,
    filterWidth: kw,
    strideHeight: sh,
    strideWidth: sw,
    inHeight: h,
    inWidth: w,
  } = info;
  const { top, left } = info.padInfo;
  const mask = new Float32Array(oh * ow * kh * kw);
  let k = 0;
  for (let i = 0; i < oh; i++) {
    for (let j = 0; j < ow; j++) {
      for (let a = 0; a < kh; a++) {
        for (let q = 0; q < kw; q++) {
          const r = i * sh + a - top;
          const col = j * sw + q - left;
          mask[k++] = r >= 0 && r < h && col >= 0 && col < w ? 1 : 0;
        }
      }
    }
  }
  return mask;
}
