import type { Reference } from '../helpers/numbers.js';

/** Padding as tfjs ops take it. */
export type Padding = 'same' | 'valid' | number | [[0, 0], [number, number], [number, number], [0, 0]];

export interface Geometry {
  outHeight: number;
  outWidth: number;
  padTop: number;
  padLeft: number;
}

/**
 * Output size and leading padding of a 2-D window sweep, written out from TensorFlow's
 * documented rules ('same': ceil(in / stride) outputs, the odd padding row at the end).
 */
export function geometry(
  inH: number,
  inW: number,
  kh: number,
  kw: number,
  sh: number,
  sw: number,
  dh: number,
  dw: number,
  pad: Padding,
  rounding: 'floor' | 'ceil' | 'round' = 'floor',
): Geometry {
  const effH = (kh - 1) * dh + 1;
  const effW = (kw - 1) * dw + 1;
  const round = rounding === 'ceil' ? Math.ceil : rounding === 'round' ? Math.round : Math.floor;
  if (pad === 'same') {
    const outHeight = Math.ceil(inH / sh);
    const outWidth = Math.ceil(inW / sw);
    return {
      outHeight,
      outWidth,
      padTop: Math.floor(Math.max((outHeight - 1) * sh + effH - inH, 0) / 2),
      padLeft: Math.floor(Math.max((outWidth - 1) * sw + effW - inW, 0) / 2),
    };
  }
  if (pad === 'valid')
    return {
      outHeight: Math.ceil((inH - effH + 1) / sh),
      outWidth: Math.ceil((inW - effW + 1) / sw),
      padTop: 0,
      padLeft: 0,
    };
  if (typeof pad === 'number')
    return {
      outHeight: round((inH - effH + 2 * pad) / sh + 1),
      outWidth: round((inW - effW + 2 * pad) / sw + 1),
      padTop: pad,
      padLeft: pad,
    };
  const [, [t, b], [l, r]] = pad;
  return {
    outHeight: Math.floor((inH + t + b - effH) / sh) + 1,
    outWidth: Math.floor((inW + l + r - effW) / sw) + 1,
    padTop: t,
    padLeft: l,
  };
}

function reference(shape: number[]): Reference {
  const n = shape.reduce((a, b) => a * b, 1);
  return { values: new Float64Array(n), magnitude: new Float64Array(n), shape };
}

function add(ref: Reference, i: number, term: number): void {
  ref.values[i] = (ref.values[i] as number) + term;
  ref.magnitude[i] = (ref.magnitude[i] as number) + Math.abs(term);
}

export interface ConvCase {
  batch: number;
  inH: number;
  inW: number;
  inC: number;
  kh: number;
  kw: number;
  sh: number;
  sw: number;
  dh: number;
  dw: number;
  geo: Geometry;
}

/** dW[a, b, ci, co] = Σ x[n, i·sh + a − top, j·sw + b − left, ci] · dy[n, i, j, co] (NHWC). */
export function conv2dFilterGradient(
  x: ArrayLike<number>,
  dy: ArrayLike<number>,
  c: ConvCase,
  outC: number,
): Reference {
  const { batch, inH, inW, inC, kh, kw, sh, sw, geo } = c;
  const ref = reference([kh, kw, inC, outC]);
  for (let n = 0; n < batch; n++)
    for (let i = 0; i < geo.outHeight; i++)
      for (let j = 0; j < geo.outWidth; j++)
        for (let a = 0; a < kh; a++)
          for (let b = 0; b < kw; b++) {
            const r = i * sh + a - geo.padTop;
            const q = j * sw + b - geo.padLeft;
            if (r < 0 || r >= inH || q < 0 || q >= inW) continue;
            for (let ci = 0; ci < inC; ci++)
              for (let co = 0; co < outC; co++) {
                const term =
                  (x[((n * inH + r) * inW + q) * inC + ci] as number) *
                  (dy[((n * geo.outHeight + i) * geo.outWidth + j) * outC + co] as number);
                add(ref, ((a * kw + b) * inC + ci) * outC + co, term);
              }
          }
  return ref;
}

/** dW[a, b, c, m] = Σ x[n, i·sh + a·dh − top, j·sw + b·dw − left, c] · dy[n, i, j, c·M + m]. */
export function depthwiseFilterGradient(
  x: ArrayLike<number>,
  dy: ArrayLike<number>,
  c: ConvCase,
  mult: number,
): Reference {
  const { batch, inH, inW, inC, kh, kw, sh, sw, dh, dw, geo } = c;
  const ref = reference([kh, kw, inC, mult]);
  for (let n = 0; n < batch; n++)
    for (let i = 0; i < geo.outHeight; i++)
      for (let j = 0; j < geo.outWidth; j++)
        for (let a = 0; a < kh; a++)
          for (let b = 0; b < kw; b++) {
            const r = i * sh + a * dh - geo.padTop;
            const q = j * sw + b * dw - geo.padLeft;
            if (r < 0 || r >= inH || q < 0 || q >= inW) continue;
            for (let ch = 0; ch < inC; ch++)
              for (let m = 0; m < mult; m++) {
                const term =
                  (x[((n * inH + r) * inW + q) * inC + ch] as number) *
                  (dy[((n * geo.outHeight + i) * geo.outWidth + j) * inC * mult + ch * mult + m] as number);
                add(ref, ((a * kw + b) * inC + ch) * mult + m, term);
              }
          }
  return ref;
}

/** dx[n, r, q, c] = Σ over the outputs (i, j, m) whose window tap (a, b) lands on (r, q) of dy · w[a, b, c, m]. */
export function depthwiseInputGradient(
  dy: ArrayLike<number>,
  w: ArrayLike<number>,
  c: ConvCase,
  mult: number,
): Reference {
  const { batch, inH, inW, inC, kh, kw, sh, sw, dh, dw, geo } = c;
  const ref = reference([batch, inH, inW, inC]);
  for (let n = 0; n < batch; n++)
    for (let i = 0; i < geo.outHeight; i++)
      for (let j = 0; j < geo.outWidth; j++)
        for (let a = 0; a < kh; a++)
          for (let b = 0; b < kw; b++) {
            const r = i * sh + a * dh - geo.padTop;
            const q = j * sw + b * dw - geo.padLeft;
            if (r < 0 || r >= inH || q < 0 || q >= inW) continue;
            for (let ch = 0; ch < inC; ch++)
              for (let m = 0; m < mult; m++) {
                const term =
                  (dy[((n * geo.outHeight + i) * geo.outWidth + j) * inC * mult + ch * mult + m] as number) *
                  (w[((a * kw + b) * inC + ch) * mult + m] as number);
                add(ref, ((n * inH + r) * inW + q) * inC + ch, term);
              }
          }
  return ref;
}

/** Max pooling's gradient: each window's dy goes to its first (row-major) largest in-image element. */
export function maxPoolGradient(x: ArrayLike<number>, dy: ArrayLike<number>, c: ConvCase): Reference {
  const { batch, inH, inW, inC, kh, kw, sh, sw, geo } = c;
  const ref = reference([batch, inH, inW, inC]);
  for (let n = 0; n < batch; n++)
    for (let i = 0; i < geo.outHeight; i++)
      for (let j = 0; j < geo.outWidth; j++)
        for (let ch = 0; ch < inC; ch++) {
          let best = -Infinity;
          let at = -1;
          for (let a = 0; a < kh; a++)
            for (let b = 0; b < kw; b++) {
              const r = i * sh + a - geo.padTop;
              const q = j * sw + b - geo.padLeft;
              if (r < 0 || r >= inH || q < 0 || q >= inW) continue;
              const k = ((n * inH + r) * inW + q) * inC + ch;
              if ((x[k] as number) > best) {
                best = x[k] as number;
                at = k;
              }
            }
          if (at >= 0) add(ref, at, dy[((n * geo.outHeight + i) * geo.outWidth + j) * inC + ch] as number);
        }
  return ref;
}

/** out[s, :] = Σ over rows i with ids[i] = s of x[i, :]; ids outside [0, segments) are dropped. */
export function segmentSum(
  x: ArrayLike<number>,
  ids: ArrayLike<number>,
  rowSize: number,
  segments: number,
  rowShape: number[],
): Reference {
  const ref = reference([segments, ...rowShape]);
  for (let i = 0; i < ids.length; i++) {
    const s = ids[i] as number;
    if (s < 0 || s >= segments) continue;
    for (let k = 0; k < rowSize; k++) add(ref, s * rowSize + k, x[i * rowSize + k] as number);
  }
  return ref;
}
