import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { describePublicApi, type PublicApiDescription } from '@kd/test-utils/public-api';
import type { BrowserCommand } from 'vitest/node';

/** A file the browser downloaded, as the test page receives it. */
export interface DownloadedFile {
  name: string;
  base64: string;
}

type Page = { on(event: 'download', listener: (d: PlaywrightDownload) => void): void };
type PlaywrightDownload = { suggestedFilename(): string; path(): Promise<string> };

const captured = new WeakMap<object, Array<Promise<DownloadedFile>>>();

function listFor(page: Page): Array<Promise<DownloadedFile>> {
  let list = captured.get(page);
  if (!list) {
    const fresh: Array<Promise<DownloadedFile>> = [];
    page.on('download', (d) => {
      fresh.push(
        (async () => ({ name: d.suggestedFilename(), base64: (await readFile(await d.path())).toString('base64') }))(),
      );
    });
    captured.set(page, fresh);
    list = fresh;
  }
  return list;
}

/** Starts recording the browser's real downloads (Playwright `download` events). */
const startDownloadCapture: BrowserCommand<[]> = (ctx) => {
  listFor((ctx as unknown as { page: Page }).page).length = 0;
};

/** Waits for `count` downloads since {@link startDownloadCapture} and returns their bytes. */
const takeDownloads: BrowserCommand<[count: number], Promise<DownloadedFile[]>> = async (ctx, count) => {
  const list = listFor((ctx as unknown as { page: Page }).page);
  const deadline = Date.now() + 15_000;
  while (list.length < count) {
    if (Date.now() > deadline) throw new Error(`expected ${count} downloads, saw ${list.length}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const files = await Promise.all(list.splice(0, list.length));
  return files;
};

/** The exports of both entry points, read from the sources by the compiler (which only Node has). */
const publicApi: BrowserCommand<[], PublicApiDescription> = (ctx) =>
  describePublicApi(
    { '@kd/browser': 'src/index.ts', '@kd/browser/worker': 'src/worker.ts' },
    { tsconfig: resolve(ctx.project.config.root, 'tsconfig.json') },
  );

export const browserCommands = { startDownloadCapture, takeDownloads, publicApi };

declare module 'vitest/browser' {
  interface BrowserCommands {
    startDownloadCapture(): Promise<void>;
    takeDownloads(count: number): Promise<DownloadedFile[]>;
    publicApi(): Promise<PublicApiDescription>;
  }
}
