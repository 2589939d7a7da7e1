import { Buffer } from 'node:buffer';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import { ProvisionError } from './errors.mjs';

/**
 * A small zip reader for wheels (a wheel is a zip): lists entries from the central directory and
 * streams selected ones to disk, checking each CRC-32. Zip64 is handled because wheels of
 * TensorFlow carry libraries of several hundred MB.
 */

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

/**
 * Lists the entries of the zip at `file`.
 * @returns {Promise<Array<{ name: string, method: number, crc: number, compressedSize: number, size: number, localOffset: number }>>}
 */
export async function listZip(file) {
  const fh = await open(file, 'r');
  try {
    const { size } = await fh.stat();
    const tailLength = Math.min(size, 65_557 + 20);
    const tail = await readAt(fh, size - tailLength, tailLength);
    let eocd = -1;
    for (let i = tail.length - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === EOCD) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) throw notAZip(file, 'no end-of-central-directory record');
    let count = tail.readUInt16LE(eocd + 10);
    let cdSize = tail.readUInt32LE(eocd + 12);
    let cdOffset = tail.readUInt32LE(eocd + 16);
    if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
      const loc = eocd - 20;
      if (loc < 0 || tail.readUInt32LE(loc) !== ZIP64_LOCATOR) throw notAZip(file, 'zip64 locator missing');
      const z64 = await readAt(fh, Number(tail.readBigUInt64LE(loc + 8)), 56);
      if (z64.readUInt32LE(0) !== ZIP64_EOCD) throw notAZip(file, 'zip64 record missing');
      count = Number(z64.readBigUInt64LE(32));
      cdSize = Number(z64.readBigUInt64LE(40));
      cdOffset = Number(z64.readBigUInt64LE(48));
    }
    const cd = await readAt(fh, cdOffset, cdSize);
    const entries = [];
    let p = 0;
    for (let n = 0; n < count; n++) {
      if (cd.readUInt32LE(p) !== CENTRAL) throw notAZip(file, `bad central directory entry ${n}`);
      const nameLength = cd.readUInt16LE(p + 28);
      const extraLength = cd.readUInt16LE(p + 30);
      const commentLength = cd.readUInt16LE(p + 32);
      const entry = {
        name: cd.toString('utf8', p + 46, p + 46 + nameLength),
        method: cd.readUInt16LE(p + 10),
        crc: cd.readUInt32LE(p + 16),
        compressedSize: cd.readUInt32LE(p + 20),
        size: cd.readUInt32LE(p + 24),
        localOffset: cd.readUInt32LE(p + 42),
      };
      applyZip64Extra(entry, cd.subarray(p + 46 + nameLength, p + 46 + nameLength + extraLength));
      entries.push(entry);
      p += 46 + nameLength + extraLength + commentLength;
    }
    return entries;
  } finally {
    await fh.close();
  }
}

/**
 * Extracts `entries` (from {@link listZip}) of `file`, writing each to `target(entry.name)`.
 * Each file is written under a temporary name and renamed once its CRC-32 matched.
 * `onBytes(n)` is called as uncompressed bytes are written.
 */
export async function extractZipEntries(file, entries, target, onBytes = () => {}) {
  const fh = await open(file, 'r');
  try {
    for (const entry of entries) {
      const local = await readAt(fh, entry.localOffset, 30);
      if (local.readUInt32LE(0) !== LOCAL) throw notAZip(file, `bad local header for ${entry.name}`);
      const start = entry.localOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
      const dest = target(entry.name);
      await mkdir(dirname(dest), { recursive: true });
      const partial = `${dest}.part`;
      let crc = 0;
      const counter = new Transform({
        transform(chunk, _encoding, done) {
          crc = crc32(chunk, crc);
          onBytes(chunk.length);
          done(null, chunk);
        },
      });
      const source =
        entry.compressedSize === 0 ? [] : createReadStream(file, { start, end: start + entry.compressedSize - 1 });
      const stages = entry.method === 8 ? [zlib.createInflateRaw()] : entry.method === 0 ? [] : undefined;
      if (!stages) throw notAZip(file, `${entry.name} uses compression method ${entry.method}`);
      await pipeline(source, ...stages, counter, createWriteStream(partial));
      if (crc >>> 0 !== entry.crc >>> 0) {
        throw new ProvisionError(
          `The archive ${file} is damaged: ${entry.name} fails its CRC-32 check. Delete the file and run provisioning again to fetch it anew.`,
          { step: 'unpack', file, entry: entry.name },
        );
      }
      await rename(partial, dest);
    }
  } finally {
    await fh.close();
  }
}

function applyZip64Extra(entry, extra) {
  let p = 0;
  while (p + 4 <= extra.length) {
    const id = extra.readUInt16LE(p);
    const length = extra.readUInt16LE(p + 2);
    if (id === 0x0001) {
      let q = p + 4;
      for (const field of ['size', 'compressedSize', 'localOffset']) {
        if (entry[field] === 0xffffffff && q + 8 <= p + 4 + length) {
          entry[field] = Number(extra.readBigUInt64LE(q));
          q += 8;
        }
      }
    }
    p += 4 + length;
  }
}

async function readAt(fh, position, length) {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await fh.read(buffer, 0, length, position);
  return buffer.subarray(0, bytesRead);
}

function notAZip(file, why) {
  return new ProvisionError(
    `${file} is not a readable zip/wheel (${why}). Check the path, or delete a partly downloaded file and run provisioning again.`,
    { step: 'unpack', file },
  );
}

let table;
/** CRC-32 (IEEE), continuing from `previous`; zlib's when this Node has it. */
export function crc32(chunk, previous = 0) {
  if (typeof zlib.crc32 === 'function') return zlib.crc32(chunk, previous);
  table ??= Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  let c = ~previous;
  for (let i = 0; i < chunk.length; i++) c = table[(c ^ chunk[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}
