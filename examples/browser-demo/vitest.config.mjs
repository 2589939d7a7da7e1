import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.mjs'],
    // One page through a real browser: build, load, measure twice, distil once.
    testTimeout: 150_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
