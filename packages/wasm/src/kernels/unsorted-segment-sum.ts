import {
  UnsortedSegmentSum,
  util,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
  type UnsortedSegmentSumAttrs,
} from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { KdError } from '@kd/core';
import { withWasmScope } from './kernel-scope.js';

interface UnsortedSegmentSumArgs {
  inputs: { x: TensorInfo; segmentIds: TensorInfo };
  backend: BackendWasm;
  attrs: UnsortedSegmentSumAttrs;
}

/**
 * `UnsortedSegmentSum` on wasm (the gradient of `Gather`, e.g. of an `Embedding` layer):
 * out[s, ...] = Σ_{i : ids[i] = s} x[i, ...].
 *
 * Built on wasm's `ScatterNd`, which adds rows that share an index. `ScatterNd` does not check
 * its indices, so ids outside [0, numSegments) are first sent to one extra row that is sliced
 * off: like the cpu backend, such rows are dropped instead of writing out of bounds.
 * `segmentIds` may have any rank that prefixes `x`'s shape; its entries are flattened together
 * with those leading axes of `x`.
 */
export function unsortedSegmentSumWasm(args: UnsortedSegmentSumArgs): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { x, segmentIds } = inputs;
  const { numSegments } = attrs;
  const idRank = segmentIds.shape.length;
  if (x.dtype !== 'float32' && x.dtype !== 'int32') {
    throw new KdError(
      'KD_INVALID_ARGUMENT',
      `UnsortedSegmentSum on wasm sums float32 or int32 tensors, but x is ${x.dtype}. Cast it first.`,
      { dtype: x.dtype },
    );
  }
  if (!util.arraysEqual(segmentIds.shape, x.shape.slice(0, idRank))) {
    throw new KdError(
      'KD_SHAPE_MISMATCH',
      `UnsortedSegmentSum: segmentIds of shape [${segmentIds.shape.join(', ')}] must be a prefix of x's shape [${x.shape.join(', ')}].`,
      { x: x.shape, segmentIds: segmentIds.shape },
    );
  }
  const n = util.sizeFromShape(segmentIds.shape);
  const rest = x.shape.slice(idRank);
  return withWasmScope(backend, (scope) => {
    const ids = scope.reshape(
      segmentIds.dtype === 'int32' ? segmentIds : scope.run('Cast', { x: segmentIds }, { dtype: 'int32' }),
      [n],
    );
    const zero = scope.constant([], 'int32', new Int32Array([0]));
    const limit = scope.constant([], 'int32', new Int32Array([numSegments]));
    const inRange = scope.run('LogicalAnd', {
      a: scope.run('GreaterEqual', { a: ids, b: zero }),
      b: scope.run('Less', { a: ids, b: limit }),
    });
    const overflowRow = scope.run('Fill', {}, { shape: [n], value: numSegments, dtype: 'int32' });
    const safeIds = scope.run('Select', { condition: inRange, t: ids, e: overflowRow });
    const indices = scope.reshape(safeIds, [n, 1]);
    const updates = scope.reshape(x, [n, ...rest]);
    const summed = scope.run('ScatterNd', { indices, updates }, { shape: [numSegments + 1, ...rest] });
    return scope.run('Slice', { x: summed }, { begin: summed.shape.map(() => 0), size: [numSegments, ...rest] });
  });
}

/** Kernel config registered for the `wasm` backend. */
export const unsortedSegmentSumConfig: KernelConfig = {
  kernelName: UnsortedSegmentSum,
  backendName: 'wasm',
  kernelFunc: unsortedSegmentSumWasm as unknown as KernelFunc,
};
