let table: Uint32Array | undefined;

function crcTable(): Uint32Array {
  if (table) return table;
  table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
}

/**
 * CRC-32 (IEEE 802.3, the one zip and PNG use) of byte views and strings (UTF-16 code units,
 * low byte first), continuing from `crc` when given. Catches the truncated or altered values a
 * damaged IndexedDB entry would hand back; it is not a defence against tampering.
 *
 * @example
 * ```ts
 * crc32([new TextEncoder().encode('123456789')]); // 0xcbf43926
 * ```
 */
export function crc32(parts: Array<ArrayBufferView | string>, crc = 0): number {
  const t = crcTable();
  let c = ~crc >>> 0;
  for (const part of parts) {
    if (typeof part === 'string') {
      for (let i = 0; i < part.length; i++) {
        const u = part.charCodeAt(i);
        c = t[(c ^ u) & 0xff]! ^ (c >>> 8);
        c = t[(c ^ (u >>> 8)) & 0xff]! ^ (c >>> 8);
      }
    } else {
      const bytes = new Uint8Array(part.buffer, part.byteOffset, part.byteLength);
      for (let i = 0; i < bytes.length; i++) c = t[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
    }
  }
  return ~c >>> 0;
}
