import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * kd's cache folder: `$KD_CACHE_DIR`, else `$XDG_CACHE_HOME/kd`, else `~/.cache/kd`, joined with
 * `parts`. The same root `kd-node provision` keeps its downloads under.
 */
export function defaultCacheRoot(...parts: string[]): string {
  const root = process.env.KD_CACHE_DIR || join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'kd');
  return join(root, ...parts);
}
