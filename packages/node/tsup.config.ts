import { defineConfig } from 'tsup';

// The `kd-node` command is scripts/provision.mjs, plain JavaScript that needs no build: it has to
// run on a fresh clone before anything is built. The library bundles the same code for its API.
export default defineConfig({
  entry: { index: 'src/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  external: [/^@tensorflow\//, /^@kd\//],
});
