import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { KdError, type Checkpoint, type CheckpointStore } from '@kd/core';
import { syncDir, writeFileSynced } from '../io/atomic-write.js';
import { decodeCheckpoint, encodeCheckpoint, looksLikeCheckpoint } from './checkpoint-file-format.js';

/** The one file a store keeps; its temporary siblings are `.checkpoint.kdckpt.<pid>-<random>.tmp`. */
export const CHECKPOINT_FILE = 'checkpoint.kdckpt';
const TEMP_NAME = /^\.checkpoint\.kdckpt\.\d+-[0-9a-f]{12}\.tmp$/;

/**
 * A {@link CheckpointStore} in a folder, for any runtime in Node (tfjs-node, wasm, cpu). It holds
 * one file, `checkpoint.kdckpt`, replaced atomically: the new checkpoint is written to a
 * temporary file, flushed to disk, and renamed over the old one (whose place it takes only once
 * complete), then the folder entry is flushed too. A crash at any moment leaves the previous
 * checkpoint or the new one. Temporary files a crash left behind are removed; nothing else in the
 * folder is read, changed or deleted, and a `checkpoint.kdckpt` that is not a kd checkpoint is
 * never overwritten.
 *
 * @example
 * ```ts
 * import { fileCheckpointStore, nodeRuntime } from '@kd/node';
 * const checkpoint = { store: fileCheckpointStore('runs/churn'), everySteps: 200 };
 * await distill({ runtime: nodeRuntime(), teacher, student, data, epochs: 20, checkpoint, resume: true });
 * ```
 */
export function fileCheckpointStore(dir: string): CheckpointStore {
  if (typeof dir !== 'string' || dir.length === 0)
    throw new KdError('KD_INVALID_ARGUMENT', `fileCheckpointStore needs a folder path; got ${JSON.stringify(dir)}.`);
  const root = resolve(dir);
  const target = join(root, CHECKPOINT_FILE);
  return {
    async readLatest(): Promise<Checkpoint | undefined> {
      await removeLeftovers(root);
      const file = await readFile(target).catch((e: NodeJS.ErrnoException) => {
        if (e.code === 'ENOENT' || e.code === 'ENOTDIR') return undefined;
        throw wrap(e, `read the checkpoint ${target}`);
      });
      return file ? decodeCheckpoint(file, target) : undefined;
    },
    async write(checkpoint: Checkpoint): Promise<void> {
      await mkdir(root, { recursive: true }).catch((e: NodeJS.ErrnoException) => {
        throw wrap(e, `create the checkpoint folder ${root}`);
      });
      await refuseForeignFile(target);
      await removeLeftovers(root);
      const temp = join(root, `.${CHECKPOINT_FILE}.${process.pid}-${randomBytes(6).toString('hex')}.tmp`);
      try {
        await writeFileSynced(temp, encodeCheckpoint(checkpoint));
        await rename(temp, target);
      } catch (e) {
        await rm(temp, { force: true });
        throw wrap(e as NodeJS.ErrnoException, `write the checkpoint ${target}`);
      }
      await syncDir(root);
    },
  };
}

/** Temporary files of writes a crash interrupted (ours by name only; other processes' in-flight ones included, so one store per run). */
async function removeLeftovers(root: string): Promise<void> {
  const names = await readdir(root).catch(() => [] as string[]);
  await Promise.all(names.filter((n) => TEMP_NAME.test(n)).map((n) => rm(join(root, n), { force: true })));
}

async function refuseForeignFile(target: string): Promise<void> {
  const handle = await open(target, 'r').catch(() => undefined);
  if (!handle) return;
  try {
    const head = Buffer.alloc(8);
    const { bytesRead } = await handle.read(head, 0, 8, 0);
    if (!looksLikeCheckpoint(head.subarray(0, bytesRead))) {
      throw new KdError(
        'KD_INVALID_ARGUMENT',
        `${target} exists and is not a kd checkpoint; kd will not overwrite it. Give the checkpoint store a folder of its own.`,
        { path: target },
      );
    }
  } finally {
    await handle.close();
  }
}

function wrap(e: NodeJS.ErrnoException, what: string): Error {
  if (e instanceof KdError) return e;
  return new KdError(
    'KD_INVALID_ARGUMENT',
    `Could not ${what}: ${e.message}. Check that the folder is writable and not a file.`,
    {
      errno: e.code,
    },
    { cause: e },
  );
}
