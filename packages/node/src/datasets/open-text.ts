import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream';
import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { isKdError, KdError } from '@kd/core';

/**
 * Whether the file starts with gzip's magic bytes (so `.gz` in the name is not required). A path
 * that cannot be opened or is a folder is a `KD_DATA_INVALID` naming it.
 */
export async function isGzip(path: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (cause) {
    throw cannotRead(path, cause);
  }
  try {
    if ((await handle.stat()).isDirectory())
      throw new KdError(
        'KD_DATA_INVALID',
        `${path} is a folder, not a data file. Pass the path of the file inside it.`,
        { path },
      );
    const head = Buffer.alloc(2);
    const { bytesRead } = await handle.read(head, 0, 2, 0);
    return bytesRead === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } catch (cause) {
    throw isKdError(cause) ? cause : cannotRead(path, cause);
  } finally {
    await handle.close();
  }
}

/** The file's bytes as a stream, gunzipped when it is gzip. */
export async function openBytes(path: string): Promise<{ stream: NodeJS.ReadableStream; gzip: boolean }> {
  const gzip = await isGzip(path);
  const raw = createReadStream(path);
  if (!gzip) return { stream: raw, gzip };
  // pipeline (not pipe) closes the file when a reader stops early and passes read errors on;
  // they reach the reader through the gunzip stream, so the callback has nothing left to do.
  return { stream: pipeline(raw, createGunzip(), () => {}), gzip };
}

/**
 * Iterates a file's bytes (gzip undone), turning read and decompression failures into a
 * `KD_DATA_INVALID` that names the file and says what is wrong with it.
 */
export async function* readByteChunks(path: string): AsyncGenerator<Buffer> {
  const { stream, gzip } = await openBytes(path);
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) yield chunk;
  } catch (cause) {
    if (isKdError(cause)) throw cause;
    const code = (cause as NodeJS.ErrnoException).code;
    if (gzip && typeof code === 'string' && code.startsWith('Z_')) {
      const why =
        code === 'Z_BUF_ERROR'
          ? 'the gzip data is cut short (the file was not copied or downloaded completely)'
          : 'the gzip data is damaged or followed by bytes that are not gzip';
      throw new KdError(
        'KD_DATA_INVALID',
        `${path}: ${why} (${(cause as Error).message}). Fetch the file again.`,
        { path },
        { cause },
      );
    }
    throw cannotRead(path, cause);
  }
}

/** The file's text, chunk by chunk (UTF-8, gzip undone), without loading it whole. */
export async function* readTextChunks(path: string): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8');
  let first = true;
  for await (const chunk of readByteChunks(path)) {
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

function cannotRead(path: string, cause: unknown): KdError {
  return new KdError(
    'KD_DATA_INVALID',
    `Cannot read the data file ${path}: ${(cause as Error)?.message ?? String(cause)}. Check the path.`,
    { path },
    { cause },
  );
}
