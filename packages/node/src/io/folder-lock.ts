import { link, readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { KdError } from '@kd/core';
import { siblingTempPath } from './atomic-write.js';

/** The lock file a save or remove holds inside a model folder; readers skip dot-files. */
export const LOCK_NAME = '.kd-lock';

// Saves to one folder from this process queue up here instead of polling the lock file.
const queues = new Map<string, Promise<unknown>>();

/**
 * Runs `job` while holding the folder's lock: one job at a time per folder in this process
 * (queued), and across processes through an exclusive lock file holding the owner's pid. A lock
 * whose process is gone (killed mid-save) is taken over; one held by a live process is waited for
 * up to `timeoutMs`, then `KD_MODEL_BUSY`.
 */
export function withFolderLock<T>(dir: string, timeoutMs: number, job: () => Promise<T>): Promise<T> {
  const previous = queues.get(dir) ?? Promise.resolve();
  const run = previous
    .catch(() => undefined)
    .then(async () => {
      const release = await acquire(dir, timeoutMs);
      try {
        return await job();
      } finally {
        await release();
      }
    });
  const tail = run.catch(() => undefined);
  queues.set(dir, tail);
  void tail.then(() => {
    if (queues.get(dir) === tail) queues.delete(dir);
  });
  return run;
}

async function acquire(dir: string, timeoutMs: number): Promise<() => Promise<void>> {
  const path = join(dir, LOCK_NAME);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // The pid goes in before the lock appears (link is atomic), so no one sees a lock without an owner.
    const claim = siblingTempPath(path);
    await writeFile(claim, String(process.pid));
    try {
      await link(claim, path);
      return () => unlink(path).catch(() => undefined);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      await unlink(claim).catch(() => undefined);
    }
    const owner = Number.parseInt(await readFile(path, 'utf8').catch(() => ''), 10);
    if (!isAlive(owner)) {
      // The owner died holding it (or had not written its pid yet and died): take it over.
      await unlink(path).catch(() => undefined);
      continue;
    }
    if (Date.now() >= deadline) {
      throw new KdError(
        'KD_MODEL_BUSY',
        `Another process (pid ${owner}) is saving or removing the model in ${dir}. Wait for it to finish, or save under another key.`,
        { path: dir, pid: owner },
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
