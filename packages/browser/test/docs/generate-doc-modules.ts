/**
 * Vitest global setup (runs in Node before Chromium starts): turns each ```ts block of
 * docs/runtimes/browser.md into a module under generated/, so that pages.test.ts can run the
 * blocks in the browser, where neither the markdown nor a TypeScript compiler is at hand.
 *
 * A block becomes `export default async function run(console) { …block… }` with its imports
 * moved to the top of the module, so top-level await works and what it prints can be checked.
 * A block whose first line names a worker file (`// kd.worker.ts`) is written as that file,
 * unchanged, next to the others: the block that starts `new Worker(new URL('./kd.worker.ts',
 * import.meta.url))` then finds it, as it would in an app.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import ts from 'typescript';
import { readTsBlocks, type DocBlock } from '@kd/test-utils/doc-blocks';
import type { GeneratedBlock, GeneratedPage } from './generated-block.js';

const PAGE = 'docs/runtimes/browser.md';
const OUT = new URL('./generated/', import.meta.url);
const WORKER_FILE = /^\/\/ ([\w-]+\.worker\.ts)\s*$/;
// Generated code is checked by running it, not by the package's typecheck and lint.
const HEADER = ['/* eslint-disable */', '// @ts-nocheck', ''];

function banner(block: DocBlock): string {
  return `// Generated from ${PAGE}, block at line ${block.line}, by test/docs/generate-doc-modules.ts.\n`;
}

function isExported(statement: ts.Statement): boolean {
  const modifiers = ts.canHaveModifiers(statement) ? (ts.getModifiers(statement) ?? []) : [];
  return (
    modifiers.some((m) => m.kind === ts.SyntaxKind.ExportKeyword) ||
    ts.isExportDeclaration(statement) ||
    ts.isExportAssignment(statement)
  );
}

/** The block as a module whose default export runs it: imports first, the rest inside `run`. */
export function scriptModule(block: DocBlock): string {
  const source = ts.createSourceFile('block.ts', block.code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const imports: string[] = [];
  const body: string[] = [];
  for (const statement of source.statements) {
    if (isExported(statement)) throw new Error(`${PAGE}:${block.line}: doc blocks run as scripts; remove the export`);
    // Full text: each statement with the comments and line breaks in front of it.
    (ts.isImportDeclaration(statement) ? imports : body).push(statement.getFullText(source));
  }
  body.push(source.endOfFileToken.getFullText(source));
  return [
    ...HEADER,
    banner(block),
    imports.join('').trim(),
    "import type { BlockConsole } from '../generated-block.js';",
    '',
    'export default async function run(console: BlockConsole): Promise<void> {',
    body.join('').replace(/^\n+/, ''),
    '}',
    '',
  ].join('\n');
}

/** A module whose default export starts a module Worker on the generated worker file. */
function workerStarter(file: string): string {
  // A literal `new Worker(new URL(…, import.meta.url))`, the form Vite serves worker modules for.
  return [
    ...HEADER,
    `export default (): Worker => new Worker(new URL('./${file}', import.meta.url), { type: 'module' });`,
    '',
  ].join('\n');
}

export default function generateDocModules(): void {
  const blocks = readTsBlocks(new URL(`../../../../${PAGE}`, import.meta.url));
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  const generated: GeneratedBlock[] = blocks.map((block, i) => {
    const module = `block-${String(i + 1).padStart(2, '0')}.ts`;
    const workerFile = WORKER_FILE.exec(block.code.split('\n')[0] ?? '')?.[1];
    if (workerFile) {
      writeFileSync(new URL(workerFile, OUT), [...HEADER, banner(block), block.code, ''].join('\n'));
      writeFileSync(new URL(module, OUT), workerStarter(workerFile));
      return { line: block.line, kind: 'worker', module, expectedOutput: block.expectedOutput };
    }
    writeFileSync(new URL(module, OUT), scriptModule(block));
    return { line: block.line, kind: 'script', module, expectedOutput: block.expectedOutput };
  });
  const page: GeneratedPage = { page: PAGE, blocks: generated };
  writeFileSync(new URL('blocks.json', OUT), `${JSON.stringify(page, null, 2)}\n`);
}
