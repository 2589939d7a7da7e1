import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream';
import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { KdError } from '@kd/core';

/** Whether the file starts with gzip's magic bytes (so `.gz` in the name is not required). */
export async function isGzip(path: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (cause) {
    throw new KdError(
      'KD_DATA_INVALID',
      `Cannot open the data file ${path}: ${(cause as Error).message}. Check the path.`,
      { path },
      { cause },
    );
  }
  try {
    const head = Buffer.alloc(2);
    const { bytesRead } = await handle.read(head, 0, 2, 0);
    return bytesRead === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    await handle.close();
  }
}

/** The file's bytes as a stream, gunzipped when it is gzip. */
export async function openBytes(path: string): Promise<NodeJS.ReadableStream> {
  const gz = await isGzip(path);
  const raw = createReadStream(path);
  if (!gz) return raw;
  // pipeline (not pipe) closes the file when a reader stops early and passes read errors on;
  // they reach the reader through the gunzip stream, so the callback has nothing left to do.
  return pipeline(raw, createGunzip(), () => {});
}

/** The file's text, chunk by chunk (UTF-8, gzip undone), without loading it whole. */
export async function* readTextChunks(path: string): AsyncGenerator<string> {
  const stream = await openBytes(path);
  const decoder = new TextDecoder('utf-8');
  let first = true;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    let text = decoder.decode(chunk, { stream: true });
    if (first) {
      text = text.replace(/^\uFEFF/, '');
      first = false;
    }
    if (text) yield text;
  }
  const rest = decoder.decode();
  if (rest) yield rest;
}
