import { readFile } from 'node:fs/promises';
import type { Plugin } from 'vite';

/**
 * The URL folders docs/runtimes/browser.md loads teachers from, and the fixture folders (written
 * by test/fixtures/write-http-teachers.mjs) the test server answers them with.
 */
const DOC_MODELS: Record<string, string> = {
  '/models/teacher/': 'http-teacher-layers',
  '/models/graph-teacher/': 'http-teacher-graph',
  '/models/student/': 'http-student',
};

/** Serves the page's teacher URLs during tests, as an app's server would serve its models. */
export function serveDocModels(): Plugin {
  return {
    name: 'kd-doc-models',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const path = (req.url ?? '').split('?')[0]!;
        const folder = Object.keys(DOC_MODELS).find((prefix) => path.startsWith(prefix));
        if (folder === undefined) return next();
        const file = path.slice(folder.length);
        const notFound = () => {
          res.statusCode = 404;
          res.end();
        };
        if (!/^[\w-]+\.(json|bin)$/.test(file)) return notFound();
        readFile(new URL(`../fixtures/${DOC_MODELS[folder]}/${file}`, import.meta.url)).then((body) => {
          res.setHeader('Content-Type', file.endsWith('.json') ? 'application/json' : 'application/octet-stream');
          res.end(body);
        }, notFound);
      });
    },
  };
}
