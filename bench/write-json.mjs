// Results are written the way the repository's formatter writes JSON, so `prettier --check .`
// passes on a fresh `npm run bench`.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import * as prettier from 'prettier';

export async function writeJson(path, value) {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  const options = (await prettier.resolveConfig(path)) ?? {};
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, await prettier.format(text, { ...options, filepath: path }));
}
