import { defineConfig } from 'tsup';

const shared = {
  sourcemap: true,
  target: 'es2022' as const,
  external: [/^@tensorflow\//, /^@kd\//],
};

// The two builds run at the same time: the library's clean must leave the CLI's files alone.
export default defineConfig([
  { ...shared, entry: { index: 'src/index.ts' }, format: ['esm', 'cjs'], dts: true, clean: ['!cli.js', '!cli.js.map'] },
  { ...shared, entry: { cli: 'src/cli.ts' }, format: ['esm'], dts: false, clean: false, banner: { js: '#!/usr/bin/env node' } },
]);
