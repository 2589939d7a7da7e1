// The site's navigation, in one place so the site test can check every entry against the build.
import { existsSync, readFileSync } from 'node:fs';
import type { DefaultTheme } from 'vitepress';

const docsRoot = new URL('../', import.meta.url);

/** A sidebar entry for a page of docs/; `path` is relative to docs/, without `.md`. */
function page(text: string, path: string): DefaultTheme.SidebarItem {
  return { text, link: `/${path}` };
}

/**
 * An entry for a page that is written on its own schedule (the CLI reference, the error codes):
 * listed once the page is in docs/, so the site builds before and after it lands. The site test
 * fails on any page of docs/ the sidebar does not list, so a renamed page cannot drop out unseen.
 */
function pageOnceWritten(text: string, path: string): DefaultTheme.SidebarItem[] {
  return existsSync(new URL(`${path}.md`, docsRoot)) ? [page(text, path)] : [];
}

/** The guides: every hand-written page of docs/. */
export const guideSidebar: DefaultTheme.SidebarItem[] = [
  {
    text: 'Guide',
    items: [
      page('Introduction', 'index'),
      page('Getting started', 'getting-started'),
      ...pageOnceWritten('The kd command', 'cli'),
      page('Troubleshooting', 'troubleshooting'),
      ...pageOnceWritten('Error codes', 'errors'),
    ],
  },
  {
    text: 'Concepts',
    items: [
      page('Losses', 'losses'),
      page('α and T schedules', 'schedules'),
      page('Teachers and ensembles', 'ensembles'),
      page('Teacher-output caching', 'caching'),
      page('Searching α', 'alpha-search'),
      page('Making distillation transfer', 'transfer'),
      page('Data larger than memory', 'streaming'),
      page('Checkpoints, divergence and abort', 'checkpoints'),
    ],
  },
  {
    text: 'Runtimes',
    items: [
      page('Choosing a runtime', 'runtimes/index'),
      page('cpu (@kd/core/cpu)', 'runtimes/cpu'),
      page('WebAssembly (@kd/wasm)', 'runtimes/wasm'),
      page('Browser, WebGL (@kd/browser)', 'runtimes/browser'),
      page('Node, native TensorFlow (@kd/node)', 'runtimes/node'),
    ],
  },
  {
    text: 'Project',
    items: [page('Conformance', 'conformance'), page('Architecture', 'architecture'), page('Benchmarks', 'benchmarks')],
  },
  { text: 'API reference', link: '/api/' },
];

/**
 * The API reference's navigation, written by TypeDoc (typedoc-vitepress-theme) into api/ at build
 * time; `npm run build` runs TypeDoc before VitePress, so it is there when this is read.
 */
export function apiSidebar(): DefaultTheme.SidebarItem[] {
  const file = new URL('api/typedoc-sidebar.json', docsRoot);
  if (!existsSync(file)) throw new Error('docs/api/ is missing: run TypeDoc first (npm run build in docs/)');
  const items = JSON.parse(readFileSync(file, 'utf8')) as DefaultTheme.SidebarItem[];
  return [
    { text: 'API reference', link: '/api/', items },
    { text: '← Guides', link: '/getting-started' },
  ];
}
