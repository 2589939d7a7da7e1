// Checks the site `npm run build` produced: navigation, links, and the generated API reference.
import { existsSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import type { DefaultTheme } from 'vitepress';
import { beforeAll, describe, expect, it } from 'vitest';
import { siteLinkFor } from '../.vitepress/repo-links.js';
import { apiSidebar, guideSidebar } from '../.vitepress/sidebar.js';
import { builtFileFor, distDir, docsDir, filesUnder, readBuilt, requireBuiltSite, textOf } from './built-site.js';

function linksOf(items: DefaultTheme.SidebarItem[]): string[] {
  return items.flatMap((item) => [...(item.link ? [item.link] : []), ...linksOf(item.items ?? [])]);
}

/** Hand-written pages: every .md of docs/ except the generated API reference and dependencies. */
const guidePages = filesUnder(docsDir, '.md', (path) => /^(api|node_modules|\.vitepress)(\/|$)/.test(path));

beforeAll(() => requireBuiltSite());

describe('navigation', () => {
  it('lists every hand-written page of docs/ in the sidebar', () => {
    const listed = new Set(linksOf(guideSidebar).map((link) => `${link.slice(1)}.md`));
    const unlisted = guidePages.filter((page) => !listed.has(page));
    expect(unlisted, 'add these pages to docs/.vitepress/sidebar.ts').toEqual([]);
  });

  it('has a built page for every sidebar entry, guides and API reference', () => {
    const links = [...linksOf(guideSidebar), ...linksOf(apiSidebar())];
    expect(links.length).toBeGreaterThan(guidePages.length);
    const missing = links.filter((link) => !existsSync(join(distDir, builtFileFor(link))));
    expect(missing).toEqual([]);
  });
});

describe('examples', () => {
  // The doc-block runners live in the packages' tests (packages/*/test), each naming the pages it reads.
  const runnerSources = filesUnder(join(docsDir, '..', 'packages'), '.ts', (path) =>
    /(^|\/)(node_modules|dist|src)(\/|$)/.test(path),
  ).map((file) => readFileSync(join(docsDir, '..', 'packages', file), 'utf8'));

  it('every page with ```ts examples is read by a doc-block runner', () => {
    const withExamples = guidePages.filter((page) => /^```ts\s*$/m.test(readFileSync(join(docsDir, page), 'utf8')));
    expect(withExamples.length).toBeGreaterThan(5);
    const named = (page: string) =>
      runnerSources.some((source) => new RegExp(`['/]${page.replace(/\./g, '\\.')}['\`]`).test(source));
    expect(
      withExamples.filter((page) => !named(page)),
      'add these pages to a runner in packages/*/test/docs/',
    ).toEqual([]);
  });
});

describe('links in the built pages', () => {
  const pages = () => filesUnder(distDir, '.html');

  it('resolve to built files, on every page', () => {
    const dead: string[] = [];
    for (const page of pages()) {
      for (const [, href] of readBuilt(page).matchAll(/<a [^>]*href="([^"]*)"/g)) {
        if (href === undefined || /^([a-z][a-z0-9+.-]*:|#|\/\/)/i.test(href)) continue;
        const target = href.startsWith('/') ? href : `/${posix.join(posix.dirname(page), href)}`;
        if (!existsSync(join(distDir, builtFileFor(target)))) dead.push(`${page} → ${href}`);
      }
    }
    expect(dead).toEqual([]);
  });

  it('send repository links that leave docs/ to the page that includes the file', () => {
    expect(siteLinkFor('../../BENCHMARKS.md', 'runtimes/cpu.md')).toBe('/benchmarks.md');
    expect(siteLinkFor('../BENCHMARKS.md#machine', 'losses.md')).toBe('/benchmarks.md#machine');
    expect(siteLinkFor('../losses.md', 'runtimes/cpu.md')).toBeUndefined();
    expect(siteLinkFor('https://example.org/BENCHMARKS.md', 'index.md')).toBeUndefined();
    expect(readBuilt('runtimes/cpu.html')).toMatch(/href="\/benchmarks\.html"/);
  });

  it('include the root BENCHMARKS.md in the benchmarks page', () => {
    const firstHeading = /^## (.+)$/m.exec(readFileSync(join(docsDir, '..', 'BENCHMARKS.md'), 'utf8'))![1]!;
    expect(textOf(readBuilt('benchmarks.html'))).toContain(firstHeading.replace(/`/g, ''));
  });
});

describe('API reference', () => {
  it('has one module page per package entry point', () => {
    const modules = ['core', 'core/cpu', 'node', 'wasm', 'browser', 'browser/worker', 'conformance'];
    for (const module of modules) {
      expect(textOf(readBuilt(`api/${module}/index.html`)), module).toContain(`@kd/${module}`);
    }
  });

  it.each([
    ['core/functions/distill', 'core/src/trainer/distill.ts', 'distill'],
    ['core/functions/searchAlpha', 'core/src/search/search-alpha.ts', 'searchAlpha'],
    ['core/cpu/functions/cpuRuntime', 'core/src/cpu.ts', 'cpuRuntime'],
    ['node/functions/nodeRuntime', 'node/src/runtime/node-runtime.ts', 'nodeRuntime'],
    ['wasm/functions/wasmRuntime', 'wasm/src/runtime/wasm-runtime.ts', 'wasmRuntime'],
    ['browser/functions/browserRuntime', 'browser/src/runtime/browser-runtime.ts', 'browserRuntime'],
    ['conformance/functions/runConformance', 'conformance/src/run/run-conformance.ts', 'runConformance'],
  ])('api/%s.html renders the TSDoc of %s', (page, source, name) => {
    // The first sentence of the function's TSDoc, read from the source, must be on its page.
    const code = readFileSync(join(docsDir, '..', 'packages', source), 'utf8');
    const doc = new RegExp(
      `/\\*\\*\\s*\\n\\s*\\* ([^\\n]+)\\n(?:(?!\\*/)[\\s\\S])*\\*/\\s*export (?:async )?function ${name}\\b`,
    ).exec(code);
    expect(doc, `${source} has a TSDoc comment on ${name}`).not.toBeNull();
    const firstLine = doc![1]!
      .replace(/\{@link ([^}|]+)[^}]*\}/g, '$1')
      .replace(/`/g, '')
      .trim();
    const text = textOf(readBuilt(`api/${page}.html`));
    expect(text).toContain(`${name}(`);
    // Inline code is set apart on the page, so spacing differs from the source.
    const squeeze = (s: string) => s.replace(/\s+/g, '');
    expect(squeeze(text)).toContain(squeeze(firstLine));
  });
});
