import { describe, expect, it } from 'vitest';
import { expectKdError, kdErrorOf } from '../src/kd-error.js';

// Shaped like @kd/core's KdError, which this package does not import.
function kdError(code: string, message = 'bad'): Error {
  return Object.assign(new Error(message), { name: 'KdError', code, details: {} });
}

describe('kdErrorOf and expectKdError', () => {
  it('return the KdError of a throwing call, a rejected promise and an async function', async () => {
    expect(
      kdErrorOf(() => {
        throw kdError('KD_A');
      }).code,
    ).toBe('KD_A');
    expect((await kdErrorOf(Promise.reject(kdError('KD_B')))).code).toBe('KD_B');
    expect((await kdErrorOf(async () => Promise.reject(kdError('KD_C')))).code).toBe('KD_C');
    await expect(expectKdError(() => Promise.reject(kdError('KD_D', 'why')), 'KD_D')).resolves.toHaveProperty(
      'message',
      'why',
    );
  });

  it('rethrow an error that is not a KdError, and fail when nothing fails', async () => {
    const plain = new RangeError('not kd');
    expect(() =>
      kdErrorOf(() => {
        throw plain;
      }),
    ).toThrow(plain);
    await expect(kdErrorOf(Promise.reject(plain))).rejects.toBe(plain);
    expect(() => kdErrorOf(() => 42)).toThrow(/expected a KdError, but the call returned 42/);
    await expect(kdErrorOf(Promise.resolve('ok'))).rejects.toThrow(/promise resolved with ok/);
  });

  it('fail on a KdError with another code', async () => {
    expect(() =>
      expectKdError(() => {
        throw kdError('KD_OTHER');
      }, 'KD_WANTED'),
    ).toThrow(/expected KD_WANTED; got KD_OTHER/);
    await expect(expectKdError(Promise.reject(kdError('KD_OTHER')), 'KD_WANTED')).rejects.toThrow(/KD_WANTED/);
  });
});
