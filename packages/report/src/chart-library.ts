import { KdError } from '@kd/core';
import { scriptForInlineTag } from './script-safe.js';

// The UMD build sets `window.Chart` and needs no module loader, so it runs from an inline script.
const CHART_UMD_FILE = 'chart.umd.min.js';

interface NodeBuiltins {
  module: { createRequire(from: string): { resolve(id: string): string } };
  fs: { readFileSync(path: string, encoding: 'utf8'): string };
  path: { join(...parts: string[]): string; dirname(path: string): string };
}

let cached: string | undefined;

/**
 * The built Chart.js file, read once from the installed `chart.js` package and made safe for an
 * inline script. Node's modules are reached through `process.getBuiltinModule` rather than imports
 * so that importing `@kd/report` in a browser bundle costs nothing and breaks nothing.
 */
export function chartLibrarySource(): string {
  if (cached !== undefined) return cached;
  const getBuiltin = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process
    ?.getBuiltinModule;
  if (typeof getBuiltin !== 'function')
    throw new KdError(
      'KD_INVALID_ARGUMENT',
      'renderReport reads the charting library from node_modules, which needs Node.js 20.16 or later. ' +
        'In a browser, pass the library yourself: renderReport(input, { chartLibrary: sourceOfChartUmdMinJs }).',
    );
  const node: NodeBuiltins = {
    module: getBuiltin('node:module') as NodeBuiltins['module'],
    fs: getBuiltin('node:fs') as NodeBuiltins['fs'],
    path: getBuiltin('node:path') as NodeBuiltins['path'],
  };
  // chart.js's exports map lists no dist files, so find its main entry and take the UMD file beside it.
  const entry = node.module.createRequire(import.meta.url).resolve('chart.js');
  cached = scriptForInlineTag(node.fs.readFileSync(node.path.join(node.path.dirname(entry), CHART_UMD_FILE), 'utf8'));
  return cached;
}
