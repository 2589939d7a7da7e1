import * as tf from '@tensorflow/tfjs-core';
import { KdError } from '../errors/kd-error.js';
import { findNonFinite, requireWholeNumber } from '../values/index.js';

/** The feature tensor and `multiple` every generator takes, checked; returns the values read once. */
export async function readTransferInput(
  where: string,
  x: tf.Tensor,
  multiple: number | undefined,
  minRows = 1,
): Promise<{ values: Float32Array; rows: number; width: number; multiple: number }> {
  if (!(x instanceof tf.Tensor) || x.rank < 2)
    throw new KdError('KD_DATA_INVALID', `${where}: x must be a feature tensor [N, ...features].`, {
      shape: x instanceof tf.Tensor ? x.shape : undefined,
    });
  const rows = x.shape[0]!;
  if (rows < minRows)
    throw new KdError('KD_DATA_INVALID', `${where}: x has ${rows} rows; it needs at least ${minRows}.`, { rows });
  const m = requireWholeNumber('multiple', multiple ?? 1, {
    min: 1,
    where,
    hint: 'The transfer set holds multiple × N rows, N the training rows.',
  });
  const values = Float32Array.from(await x.data());
  const problem = findNonFinite(values, { where, name: 'x' });
  if (problem) throw problem;
  return { values, rows, width: rows === 0 ? 0 : values.length / rows, multiple: m };
}

/** Throws unless `value` is finite and within [min, max] (`open` excludes min). */
export function requireNumberIn(
  where: string,
  name: string,
  value: number,
  min: number,
  max: number,
  open = false,
): number {
  if (!Number.isFinite(value) || value < min || value > max || (open && value === min))
    throw new KdError(
      'KD_INVALID_ARGUMENT',
      `${where}: ${name} is ${value}; it must be a finite number in ${open ? '(' : '['}${min}, ${max === Infinity ? '∞)' : `${max}]`}.`,
      { argument: name, value },
    );
  return value;
}

/** Per-column standard deviation (population) of row-major values. */
export function columnStd(values: Float32Array, rows: number, width: number): Float64Array {
  const mean = new Float64Array(width);
  const sd = new Float64Array(width);
  for (let r = 0; r < rows; r++) for (let c = 0; c < width; c++) mean[c]! += values[r * width + c]! / rows;
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < width; c++) sd[c]! += (values[r * width + c]! - mean[c]!) ** 2 / rows;
  for (let c = 0; c < width; c++) sd[c] = Math.sqrt(sd[c]!);
  return sd;
}
