import type { Options } from 'tsup';

/** tsup options for a library with these entry points; `overrides` are merged on top. */
export declare function libraryBuild(entry: Record<string, string>, overrides?: Options): Options;
