import { describe, expect, it } from 'vitest';
import { memoPromise } from '../../src/internal.js';

describe('memoPromise', () => {
  it('starts once for concurrent and later callers', async () => {
    let starts = 0;
    const get = memoPromise(async () => ++starts);
    const [a, b] = await Promise.all([get(), get()]);
    expect([a, b, await get()]).toEqual([1, 1, 1]);
    expect(starts).toBe(1);
    expect(get.started).toBe(true);
  });

  it('forgets a rejected start, so the next call retries', async () => {
    let starts = 0;
    const get = memoPromise(async () => {
      starts += 1;
      if (starts === 1) throw new Error('first start fails');
      return 'up';
    });
    await expect(get()).rejects.toThrow('first start fails');
    expect(get.started).toBe(false);
    await expect(get()).resolves.toBe('up');
    expect(starts).toBe(2);
  });

  it('turns a synchronous throw into a rejection that is forgotten too', async () => {
    let fail = true;
    const get = memoPromise(() => {
      if (fail) throw new Error('sync');
      return 7;
    });
    await expect(get()).rejects.toThrow('sync');
    fail = false;
    await expect(get()).resolves.toBe(7);
  });

  it('reset() makes the next call start afresh, and a stale failure does not drop the new promise', async () => {
    let starts = 0;
    let rejectFirst: (e: Error) => void = () => undefined;
    const get = memoPromise(
      () =>
        new Promise<number>((resolve, reject) => {
          starts += 1;
          if (starts === 1) rejectFirst = reject;
          else resolve(starts);
        }),
    );
    const first = get();
    get.reset();
    await expect(get()).resolves.toBe(2);
    rejectFirst(new Error('late'));
    await expect(first).rejects.toThrow('late');
    await expect(get()).resolves.toBe(2);
    expect(starts).toBe(2);
  });
});
