import { KdError } from '@kd/core';
import type { backend_util, TensorInfo } from '@tensorflow/tfjs-core';

/** `[before, after]` for the N, H, W and C axes; negative amounts crop. */
export type NhwcPadding = [[0, 0], [number, number], [number, number], [0, 0]];

/**
 * How to pad or crop an NHWC input so that a 'valid' window sweep with the convolution's stride
 * and (dilated) filter visits exactly the positions the original padded convolution does: the
 * window origins `i * stride - padTop` for `i < outHeight`, no more.
 *
 * The extra rows tfjs's padding adds beyond the last window, and rows a `ceil` rounding mode
 * needs but the input lacks, are cut or added here, so every kernel built on this sees the
 * same geometry as the cpu backend's loops.
 */
export function exactWindowPadding(info: backend_util.Conv2DInfo): NhwcPadding {
  const rows = (info.outHeight - 1) * info.strideHeight + info.effectiveFilterHeight;
  const cols = (info.outWidth - 1) * info.strideWidth + info.effectiveFilterWidth;
  const { top, left } = info.padInfo;
  return [
    [0, 0],
    [top, rows - info.inHeight - top],
    [left, cols - info.inWidth - left],
    [0, 0],
  ];
}

/** Throws unless every tensor is float32, the only dtype tfjs's convolution gradients produce. */
export function assertFloat32(kernelName: string, tensors: Record<string, TensorInfo>): void {
  for (const [name, t] of Object.entries(tensors)) {
    if (t.dtype !== 'float32') {
      throw new KdError(
        'KD_INVALID_ARGUMENT',
        `${kernelName} on wasm takes float32 tensors, but "${name}" is ${t.dtype}. Cast it with tf.cast(x, 'float32') first.`,
        { kernelName, input: name, dtype: t.dtype },
      );
    }
  }
}
