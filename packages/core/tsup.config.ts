import { defineConfig } from 'tsup';
import { libraryBuild } from '../../tsup.library.mjs';

export default defineConfig(libraryBuild({ index: 'src/index.ts', cpu: 'src/cpu.ts', internal: 'src/internal.ts' }));
