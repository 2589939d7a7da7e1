import { createHash } from 'node:crypto';
import { KdError, type Checkpoint, type CheckpointTensor } from '@kd/core';

/** File layout: magic, header length (uint32 LE), header JSON, tensor bytes, SHA-256 of everything before it. */
const MAGIC = Buffer.from('KDCKPT01', 'ascii');
const DIGEST_BYTES = 32;

interface Header {
  meta: string;
  tensors: Array<{ name: string; dtype: CheckpointTensor['dtype']; shape: number[]; offset: number; bytes: number }>;
}

/** Whether `head` (the first bytes of a file) starts like a kd checkpoint file. */
export function looksLikeCheckpoint(head: Buffer): boolean {
  return head.length >= MAGIC.length && head.subarray(0, MAGIC.length).equals(MAGIC);
}

export function encodeCheckpoint(checkpoint: Checkpoint): Buffer {
  let offset = 0;
  const header: Header = {
    meta: checkpoint.meta,
    tensors: checkpoint.tensors.map((t) => {
      const entry = { name: t.name, dtype: t.dtype, shape: t.shape, offset, bytes: t.values.byteLength };
      offset += t.values.byteLength;
      return entry;
    }),
  };
  const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32LE(headerBytes.length);
  const body = Buffer.concat([
    MAGIC,
    length,
    headerBytes,
    ...checkpoint.tensors.map((t) => Buffer.from(t.values.buffer, t.values.byteOffset, t.values.byteLength)),
  ]);
  return Buffer.concat([body, createHash('sha256').update(body).digest()]);
}

export function decodeCheckpoint(file: Buffer, path: string): Checkpoint {
  const fail = (why: string) =>
    new KdError(
      'KD_CHECKPOINT_CORRUPT',
      `The checkpoint file ${path} cannot be read: ${why}. Delete it (or use another folder) to start the run afresh.`,
      { path },
    );
  if (!looksLikeCheckpoint(file) || file.length < MAGIC.length + 4 + DIGEST_BYTES)
    throw fail('it is not a kd checkpoint');
  const body = file.subarray(0, file.length - DIGEST_BYTES);
  if (!createHash('sha256').update(body).digest().equals(file.subarray(body.length)))
    throw fail('its checksum does not match (the file was truncated or changed)');
  const headerLength = body.readUInt32LE(MAGIC.length);
  const dataStart = MAGIC.length + 4 + headerLength;
  let header: Header;
  try {
    header = JSON.parse(body.subarray(MAGIC.length + 4, dataStart).toString('utf8')) as Header;
  } catch {
    throw fail('its header is not JSON');
  }
  const tensors = header.tensors.map((t): CheckpointTensor => {
    const start = dataStart + t.offset;
    if (start + t.bytes > body.length) throw fail(`tensor "${t.name}" runs past the end of the file`);
    const copy = new Uint8Array(body.subarray(start, start + t.bytes)).buffer;
    const values =
      t.dtype === 'int32' ? new Int32Array(copy) : t.dtype === 'bool' ? new Uint8Array(copy) : new Float32Array(copy);
    return { name: t.name, dtype: t.dtype, shape: t.shape, values };
  });
  return { meta: header.meta, tensors };
}
