import {
  getKernel,
  util,
  type DataType,
  type NamedAttrMap,
  type NamedTensorInfoMap,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { KdError } from '@kd/core';

/** `[before, after]` per axis; a negative amount removes that many elements instead of adding. */
export type PadOrCrop = ReadonlyArray<readonly [number, number]>;

/**
 * Runs registered wasm kernels from inside another wasm kernel and frees every intermediate
 * result. Kernels compose this way (calling kernel functions on `TensorInfo`s) because tfjs ops
 * cannot run inside a kernel: the engine is mid-call and would record them on the tape.
 *
 * Every `TensorInfo` a kernel returns holds one reference on the backend, including results
 * that share storage with their input (`Reshape`), so each is released exactly once.
 */
export class WasmKernelScope {
  private readonly owned: TensorInfo[] = [];

  constructor(readonly backend: BackendWasm) {}

  /** Runs the `wasm` kernel `kernelName`; its first output belongs to this scope. */
  run(kernelName: string, inputs: NamedTensorInfoMap, attrs: NamedAttrMap = {}): TensorInfo {
    const config = getKernel(kernelName, 'wasm');
    if (config === undefined) {
      throw new KdError(
        'KD_KERNEL_MISSING',
        `The wasm backend has no "${kernelName}" kernel, which @kd/wasm builds its training kernels from. ` +
          'Use @tensorflow/tfjs-backend-wasm 4.22.0, the version @kd/wasm supports.',
        { kernelName },
      );
    }
    const out = config.kernelFunc({ inputs, backend: this.backend, attrs });
    const outputs = Array.isArray(out) ? out : [out];
    this.owned.push(...outputs);
    return outputs[0] as TensorInfo;
  }

  /** A tensor holding `values`, owned by this scope. */
  constant(shape: number[], dtype: DataType, values: Float32Array | Int32Array | Uint8Array): TensorInfo {
    const t = this.backend.makeOutput(shape, dtype, undefined, values);
    this.owned.push(t);
    return t;
  }

  reshape(x: TensorInfo, shape: number[]): TensorInfo {
    return util.arraysEqual(x.shape, shape) ? x : this.run('Reshape', { x }, { shape });
  }

  transpose(x: TensorInfo, perm: number[]): TensorInfo {
    return perm.every((p, i) => p === i) ? x : this.run('Transpose', { x }, { perm });
  }

  sum(x: TensorInfo, axis: number): TensorInfo {
    return this.run('Sum', { x }, { axis: [axis], keepDims: false });
  }

  multiply(a: TensorInfo, b: TensorInfo): TensorInfo {
    return this.run('Multiply', { a, b });
  }

  /** Pads with zeros where an amount is positive and slices where it is negative. */
  padOrCrop(x: TensorInfo, amounts: PadOrCrop): TensorInfo {
    let t = x;
    if (amounts.some(([b, a]) => b < 0 || a < 0)) {
      const begin = amounts.map(([b]) => Math.max(0, -b));
      const size = amounts.map(([b, a], i) => (t.shape[i] as number) - Math.max(0, -b) - Math.max(0, -a));
      if (size.some((s) => s <= 0)) {
        throw new KdError(
          'KD_SHAPE_MISMATCH',
          `Cannot crop a tensor of shape [${x.shape.join(', ')}] by [${amounts.map((p) => `[${p.join(', ')}]`).join(', ')}]: nothing would be left.`,
          { shape: x.shape },
        );
      }
      t = this.run('Slice', { x: t }, { begin, size });
    }
    if (amounts.some(([b, a]) => b > 0 || a > 0)) {
      const paddings = amounts.map(([b, a]) => [Math.max(0, b), Math.max(0, a)]);
      t = this.run('PadV2', { x: t }, { paddings, constantValue: 0 });
    }
    return t;
  }

  /**
   * Spreads the rows and columns of an NHWC tensor `stride` apart, filling the gaps with zeros
   * (the input of a transposed convolution). The result has `n * stride` rows: the last
   * `stride − 1` are zeros too, left for the caller to fold into its own `padOrCrop` (a separate
   * crop here would cost a slow `Slice`).
   */
  spread(x: TensorInfo, strideHeight: number, strideWidth: number): TensorInfo {
    if (strideHeight === 1 && strideWidth === 1) return x;
    const [b, h, w, c] = x.shape as [number, number, number, number];
    const gaps = this.reshape(x, [b, h, 1, w, 1, c]);
    const padded = this.run(
      'PadV2',
      { x: gaps },
      {
        paddings: [
          [0, 0],
          [0, 0],
          [0, strideHeight - 1],
          [0, 0],
          [0, strideWidth - 1],
          [0, 0],
        ],
        constantValue: 0,
      },
    );
    return this.reshape(padded, [b, h * strideHeight, w * strideWidth, c]);
  }

  /**
   * Frees every intermediate but `result`, which the caller hands to the engine. A result that
   * is one of the kernel's own inputs gets an extra reference, as tfjs's own kernels do.
   */
  finish(result: TensorInfo): TensorInfo {
    let kept = false;
    for (const t of this.owned) {
      if (t === result && !kept) {
        kept = true;
        continue;
      }
      this.backend.disposeData(t.dataId);
    }
    this.owned.length = 0;
    if (!kept) this.backend.incRef(result.dataId);
    return result;
  }

  /** Frees everything this scope owns (used when a kernel fails half-way). */
  dispose(): void {
    for (const t of this.owned) this.backend.disposeData(t.dataId);
    this.owned.length = 0;
  }
}

/** Runs `body` with a fresh scope and returns its result, freeing every intermediate even on error. */
export function withWasmScope(backend: BackendWasm, body: (scope: WasmKernelScope) => TensorInfo): TensorInfo {
  const scope = new WasmKernelScope(backend);
  let result: TensorInfo;
  try {
    result = body(scope);
  } catch (e) {
    scope.dispose();
    throw e;
  }
  return scope.finish(result);
}
