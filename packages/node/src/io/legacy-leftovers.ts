import { readdir, rename, rm, rmdir, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

// What the earlier two-rename save left next to a key: `.name.tmp-…` (a half-written model) and
// `.name.old-…` (the previous model, orphaned when a crash fell between the renames).
const LEGACY_FILES = new Set(['model.json', 'weights.bin']);

/** Whether an orphaned previous model (`.name.old-…` holding a model.json) sits next to `dir`. */
export async function hasLegacyOrphan(dir: string): Promise<boolean> {
  const pattern = legacyPattern(dir);
  const entries = await readdir(dirname(dir)).catch(() => [] as string[]);
  for (const name of entries) {
    if (
      pattern.test(name) &&
      name.includes('.old-') &&
      (await readdir(join(dirname(dir), name)).catch(() => [] as string[])).includes('model.json')
    )
      return true;
  }
  return false;
}

function legacyPattern(dir: string): RegExp {
  return new RegExp(`^\\.${escapeRegExp(basename(dir))}\\.(tmp|old)-\\d+-[0-9a-f]{12}$`);
}

/**
 * Tidies the hidden folders the earlier save left next to `dir`. When the key itself holds no model
 * and an orphaned previous model is there, that model is put back first, so it is not lost; folders
 * holding anything but a model's two files are left alone.
 */
export async function recoverLegacyLeftovers(
  dir: string,
  keyHoldsModel: boolean,
  leftovers: string[],
): Promise<boolean> {
  const parent = dirname(dir);
  const pattern = legacyPattern(dir);
  let entries;
  try {
    entries = (await readdir(parent, { withFileTypes: true })).filter((e) => e.isDirectory() && pattern.test(e.name));
  } catch {
    return false;
  }
  let restored = false;
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(parent, entry.name);
    const names = await readdir(path).catch(() => ['?']);
    if (!names.every((n) => LEGACY_FILES.has(n))) continue;
    if (!keyHoldsModel && !restored && entry.name.includes('.old-') && names.includes('model.json')) {
      for (const name of leftovers) await unlink(join(dir, name)).catch(() => undefined);
      await rmdir(dir).catch(() => undefined);
      try {
        await rename(path, dir);
        restored = true;
        continue;
      } catch {
        // The key is not empty after all: leave the old model where it is.
        continue;
      }
    }
    await rm(path, { recursive: true, force: true });
  }
  return restored;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
