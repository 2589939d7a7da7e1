import { describe, expect, it } from 'vitest';
import { ContentHash } from '../../src/util/hash.js';

// Digests computed with the byte-at-a-time implementation the cache keys were first made with:
// a faster loop must keep every key (and every cache entry on disk) valid.
describe('ContentHash keeps its digests', () => {
  const values = Float32Array.from({ length: 1000 }, (_, i) => Math.sin(i));

  it('of a string and a float32 array, hashed in turn', () => {
    expect(new ContentHash().update('float32:1000').update(values).digest()).toBe('a7519a1ed8bf5f40');
  });

  it('of a view into the middle of a buffer', () => {
    expect(new ContentHash().update(new Uint8Array(values.buffer, 4, 40)).digest()).toBe('30c378d6a0374164');
  });
});
