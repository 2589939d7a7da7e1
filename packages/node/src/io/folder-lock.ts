import { link, mkdir, open, stat, unlink, writeFile } from 'node:fs/promises';
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
    // A remove running meanwhile may have deleted the folder.
    await mkdir(dir, { recursive: true });
    await writeFile(claim, String(process.pid));
    try {
      await link(claim, path);
      return () => unlink(path).catch(() => undefined);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // The holder's clean-up removed our claim file before the link: just try again.
      if (code === 'ENOENT') continue;
      // A file system without hard links: exclusive create, with a moment where the lock is empty.
      if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP') {
        const lock = await open(path, 'wx').catch((e: NodeJS.ErrnoException) => {
          if (e.code === 'EEXIST') return undefined;
          throw e;
        });
        if (lock) {
          await lock.writeFile(String(process.pid));
          await lock.close();
          return () => unlink(path).catch(() => undefined);
        }
      } else if (code !== 'EEXIST') throw error;
    } finally {
      await unlink(claim).catch(() => undefined);
    }
    const held = await readLock(path);
    if (!held) continue; // released meanwhile
    // An empty lock is one being created without hard links: its owner is alive.
    if (Number.isNaN(held.pid) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      continue;
    }
    const owner = held.pid;
    if (!isAlive(owner)) {
      // The owner died holding it: take it over, unless another process did so first (then the
      // file at the path is a new one, with another inode).
      const now = await stat(path).catch(() => undefined);
      if (now && now.ino === held.ino) await unlink(path).catch(() => undefined);
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

async function readLock(path: string): Promise<{ pid: number; ino: number } | undefined> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch {
    return undefined;
  }
  try {
    const [text, info] = await Promise.all([handle.readFile('utf8'), handle.stat()]);
    return { pid: Number.parseInt(text, 10), ino: info.ino };
  } finally {
    await handle.close();
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
