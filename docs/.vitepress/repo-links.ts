// Pages in docs/ are also read on the repository's web view, where a link such as
// `../../BENCHMARKS.md` reaches a file outside docs/. The site cannot serve that file directly,
// so such links are pointed at the site page that includes it. Any other link leaving docs/
// stays as written and fails the build as a dead link.
import { posix } from 'node:path';
import type { MarkdownRenderer } from 'vitepress';

/** Repository files outside docs/ that a site page includes, by their path from the repository root. */
export const INCLUDED_REPO_FILES: Readonly<Record<string, string>> = {
  'BENCHMARKS.md': '/benchmarks.md',
};

/** The site link for `href` written in `page` (relative to docs/), or undefined to leave it. */
export function siteLinkFor(href: string, page: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:|^\/|^#/i.test(href)) return undefined;
  const [path = '', hash] = href.split('#');
  const fromRoot = posix.normalize(posix.join('docs', posix.dirname(page), path));
  const target = INCLUDED_REPO_FILES[fromRoot];
  if (target === undefined) return undefined;
  return hash === undefined ? target : `${target}#${hash}`;
}

/** markdown-it plugin: rewrites links to included repository files before VitePress checks links. */
export function repoLinks(md: MarkdownRenderer): void {
  md.core.ruler.push('kd-repo-links', (state) => {
    const page = (state.env as { relativePath?: string }).relativePath;
    if (page === undefined) return;
    for (const token of state.tokens) {
      for (const child of token.children ?? []) {
        if (child.type !== 'link_open') continue;
        const href = child.attrGet('href');
        const link = href === null ? undefined : siteLinkFor(href, page);
        if (link !== undefined) child.attrSet('href', link);
      }
    }
  });
}
