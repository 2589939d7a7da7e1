import { defineConfig } from 'tsup';
import { libraryBuild } from '../../tsup.library.mjs';

// The `kd-node` command is scripts/provision.mjs, plain JavaScript that needs no build: it has to
// run on a fresh clone before anything is built. The library bundles the same code for its API.
export default defineConfig(libraryBuild({ index: 'src/index.ts' }));
