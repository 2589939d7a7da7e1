import { defineConfig } from 'tsup';
import { libraryBuild } from '../../tsup.library.mjs';

// Two builds: the library (ESM + CJS + types) and the `kd` executable (ESM only, with a shebang).
// Third-party dependencies stay imports in both.
export default defineConfig([
  // shims: import.meta.url (package versions) works in the CJS build too.
  libraryBuild(
    { index: 'src/index.ts' },
    { shims: true, external: [/^@tensorflow\//, /^@kd\//, 'commander', 'zod', 'cli-progress'] },
  ),
  libraryBuild(
    { bin: 'src/bin.ts' },
    {
      format: ['esm'],
      dts: false,
      clean: false,
      banner: { js: '#!/usr/bin/env node' },
      external: [/^@tensorflow\//, /^@kd\//, 'commander', 'zod', 'cli-progress'],
    },
  ),
]);
