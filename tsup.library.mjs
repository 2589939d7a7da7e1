// The build every published kd package shares: ESM + CJS + .d.ts for Node 20 and current browsers,
// with tfjs and the other kd packages left as imports (peer dependencies: one tfjs engine at run time).
// Plain JavaScript so tsup loads it without a transform; types in tsup.library.d.mts.

/** tsup options for a library with these entry points; `overrides` are merged on top. */
export function libraryBuild(entry, overrides = {}) {
  return {
    entry,
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'es2022',
    external: [/^@tensorflow\//, /^@kd\//],
    ...overrides,
  };
}
