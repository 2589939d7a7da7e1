import { defineConfig } from 'vite';

export default defineConfig({
  // Relative URLs: the built page works from any folder it is served from.
  base: './',
  worker: { format: 'es' },
  build: { target: 'es2022', chunkSizeWarningLimit: 2000 },
});
