import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';

/** SHA-256 of a data file's bytes, or of a folder's file names and bytes (sorted), as hex. */
export async function sha256OfPath(path: string): Promise<string> {
  const hash = createHash('sha256');
  const files = (await stat(path)).isDirectory() ? await listFiles(path) : [path];
  for (const file of files) {
    if (files.length > 1 || file !== path) hash.update(relative(path, file) + '\0');
    for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  }
  return hash.digest('hex');
}

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await listFiles(p)));
    else if (e.isFile()) out.push(p);
  }
  return out;
}
