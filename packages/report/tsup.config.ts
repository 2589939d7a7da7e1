import { defineConfig } from 'tsup';
import { libraryBuild } from '../../tsup.library.mjs';

// `shims` gives the CommonJS build an import.meta.url, from which the charting library is found.
export default defineConfig(libraryBuild({ index: 'src/index.ts', node: 'src/node.ts' }, { shims: true }));
