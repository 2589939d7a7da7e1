import { defineConfig } from 'tsup';
import { libraryBuild } from '../../tsup.library.mjs';

// The two builds run at the same time: the library's clean must leave the CLI's files alone.
export default defineConfig([
  libraryBuild({ index: 'src/index.ts', vitest: 'src/vitest.ts' }, { clean: ['!cli.js', '!cli.js.map'] }),
  libraryBuild(
    { cli: 'src/cli.ts' },
    { format: ['esm'], dts: false, clean: false, banner: { js: '#!/usr/bin/env node' } },
  ),
]);
