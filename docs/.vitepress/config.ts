import { defineConfig } from 'vitepress';
import { repoLinks } from './repo-links.js';
import { apiSidebar, guideSidebar } from './sidebar.js';

// Dead internal links fail the build (VitePress's default; `ignoreDeadLinks` stays unset).
export default defineConfig({
  title: 'kd',
  description: 'Knowledge distillation for JavaScript and TypeScript',
  cleanUrls: false,
  lastUpdated: false,
  markdown: { config: (md) => md.use(repoLinks) },
  // The local search index covers the API reference too (~750 kB, loaded only when searching).
  vite: { build: { chunkSizeWarningLimit: 1024 } },
  themeConfig: {
    nav: [
      { text: 'Guide', link: '/getting-started' },
      { text: 'Runtimes', link: '/runtimes/' },
      { text: 'API', link: '/api/' },
    ],
    sidebar: { '/api/': apiSidebar(), '/': guideSidebar },
    // Built into the site: searching needs no service.
    search: { provider: 'local' },
    outline: { level: [2, 3] },
  },
});
