// Reads the site `npm run build` wrote to .vitepress/dist, for the site tests.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const docsDir = fileURLToPath(new URL('../', import.meta.url));
export const distDir = join(docsDir, '.vitepress', 'dist');

export function requireBuiltSite(): void {
  if (!existsSync(join(distDir, 'index.html'))) {
    throw new Error(`${distDir} has no built site: run \`npm run build\` in docs/ first (nx runs it before test).`);
  }
}

/** Every file under `dir` whose name ends with `ext`, as paths relative to `dir` with `/` separators. */
export function filesUnder(dir: string, ext: string, skip: (path: string) => boolean = () => false): string[] {
  const found: string[] = [];
  const walk = (current: string) => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      const full = join(current, entry.name);
      const path = relative(dir, full).split(sep).join('/');
      if (skip(path)) continue;
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith(ext)) found.push(path);
    }
  };
  walk(dir);
  return found.sort();
}

/** The built file a site link (`/losses`, `/api/core/`, `/api/core/functions/distill.md`) is served from. */
export function builtFileFor(link: string): string {
  const path = decodeURIComponent(link.split('#')[0]!.split('?')[0]!);
  if (path.endsWith('/')) return `${path.slice(1)}index.html`;
  return `${path.slice(1).replace(/\.(md|html)$/, '')}.html`;
}

export function readBuilt(path: string): string {
  return readFileSync(join(distDir, path), 'utf8');
}

/** The text of an HTML page, tags removed and whitespace collapsed, for "does it say X" checks. */
export function textOf(html: string): string {
  return html
    .replace(/<script[\s\S]*?<\/script>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}
