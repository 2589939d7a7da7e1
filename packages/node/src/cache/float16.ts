const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/**
 * IEEE 754 half-precision bits of each value, rounded to nearest even. Values beyond ±65504
 * become ±Infinity and magnitudes below 2^-25 become ±0, as in a hardware conversion.
 */
export function toFloat16Bits(values: Float32Array): Uint16Array {
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) {
    f32[0] = values[i] as number;
    const x = u32[0] as number;
    const sign = (x >>> 16) & 0x8000;
    const exponent = (x >>> 23) & 0xff;
    let mantissa = x & 0x7fffff;
    if (exponent === 0xff) {
      out[i] = sign | 0x7c00 | (mantissa ? 0x200 : 0);
      continue;
    }
    const e = exponent - 112; // rebias 127 → 15
    if (e >= 0x1f) {
      out[i] = sign | 0x7c00;
      continue;
    }
    if (e <= 0) {
      if (e < -10) {
        out[i] = sign;
        continue;
      }
      mantissa |= 0x800000;
      const shift = 14 - e;
      let half = mantissa >>> shift;
      const rest = mantissa & ((1 << shift) - 1);
      const halfway = 1 << (shift - 1);
      if (rest > halfway || (rest === halfway && half & 1)) half += 1;
      out[i] = sign | half;
      continue;
    }
    let half = (e << 10) | (mantissa >>> 13);
    const rest = mantissa & 0x1fff;
    // A carry out of the mantissa correctly bumps the exponent (up to Infinity).
    if (rest > 0x1000 || (rest === 0x1000 && half & 1)) half += 1;
    out[i] = sign | half;
  }
  return out;
}

/** Float32 values of half-precision bits (exact: every half is a float32). */
export function fromFloat16Bits(bits: Uint16Array): Float32Array {
  const out = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i++) {
    const h = bits[i] as number;
    const sign = h & 0x8000 ? -1 : 1;
    const e = (h >>> 10) & 0x1f;
    const m = h & 0x3ff;
    if (e === 0) out[i] = sign * m * 2 ** -24;
    else if (e === 0x1f) out[i] = m ? NaN : sign * Infinity;
    else out[i] = sign * (1 + m / 1024) * 2 ** (e - 15);
  }
  return out;
}
