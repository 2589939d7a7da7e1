import type { BrowserConfigOptions } from 'vitest/node';

export declare const CHROMIUM_FLAGS: readonly string[];
export declare const TFJS_BROWSER_ENTRIES: string[];
export declare function chromiumBrowser(extra?: Partial<BrowserConfigOptions>): BrowserConfigOptions;
