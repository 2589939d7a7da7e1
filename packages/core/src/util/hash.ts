/**
 * A fast non-cryptographic 64-bit content hash (two FNV-1a lanes), used to key teacher-output
 * caches by the bytes of a data set and a teacher's weights. Returns 16 hex characters.
 */
export class ContentHash {
  private h1 = 0x811c9dc5;
  private h2 = 0x01000193 ^ 0x9e3779b9;

  update(input: ArrayBufferView | string): this {
    if (typeof input === 'string') {
      for (let i = 0; i < input.length; i++) this.byte(input.charCodeAt(i) & 0xff, (input.charCodeAt(i) >>> 8) & 0xff);
      return this;
    }
    // The same arithmetic as byte(b, 0), on locals: data sets are hashed whole (tens of MB) on
    // every cached run, and keeping the state off `this` in this loop makes it 4-5x faster.
    const bytes = new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
    let h1 = this.h1;
    let h2 = this.h2;
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i]!;
      h1 = Math.imul(h1 ^ b, 0x01000193);
      h2 = Math.imul(h2 ^ (b + 0x5bd1e995), 0x01000193) ^ (h2 >>> 13);
    }
    this.h1 = h1;
    this.h2 = h2;
    return this;
  }

  digest(): string {
    return (this.h1 >>> 0).toString(16).padStart(8, '0') + (this.h2 >>> 0).toString(16).padStart(8, '0');
  }

  private byte(b: number, extra: number): void {
    this.h1 = Math.imul(this.h1 ^ b, 0x01000193);
    this.h2 = Math.imul(this.h2 ^ (b + extra + 0x5bd1e995), 0x01000193) ^ (this.h2 >>> 13);
  }
}
