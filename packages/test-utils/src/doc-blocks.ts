/**
 * Runs the ```ts code blocks of a markdown page, so that documentation examples are tested.
 *
 * Each block runs on its own, as an async function body (top-level await works). Its imports
 * are resolved through a module map, so a page can import from '@kd/core' and '@kd/core/cpu'
 * while the test runs against the package sources, without a build. Other bare imports
 * ('@tensorflow/tfjs-core', ...) are imported as usual.
 *
 * Imports are elided as TypeScript elides them: type-only and unused imports are dropped.
 *
 * A block may state what it prints: each `// → text` comment is one expected line of console
 * output, in order. When a block has such comments, its output must match them exactly.
 */
import { readFileSync } from 'node:fs';
import { format } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import ts from 'typescript';

export interface DocBlock {
  /** 1-based line of the opening fence, for messages. */
  line: number;
  code: string;
  /** Lines the block says it prints (its `// →` comments), in order. */
  expectedOutput: string[];
}

export interface DocBlockResult {
  /** What the block printed with console.log, one entry per call. */
  output: string[];
  /** tf.memory().numTensors after the block minus before. */
  tensorsLeft: number;
}

/** Module specifier → module namespace (or a promise of one). */
export type DocModules = Record<string, unknown>;

const FENCE = /^```ts\s*$/;
const EXPECTED = /\/\/ → (.*)$/;

/** The ```ts blocks of a page. Blocks fenced otherwise (```js, ```sh, ```text) are not run. */
export function extractTsBlocks(markdown: string): DocBlock[] {
  const lines = markdown.split(/\r?\n/);
  const blocks: DocBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!FENCE.test(lines[i]!)) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i]!); i++) body.push(lines[i]!);
    if (i >= lines.length) throw new Error(`unclosed \`\`\`ts block opened at line ${start + 1}`);
    const expectedOutput = body.flatMap((l) => {
      const m = EXPECTED.exec(l);
      return m ? [m[1]!.trimEnd()] : [];
    });
    blocks.push({ line: start + 1, code: body.join('\n'), expectedOutput });
  }
  return blocks;
}

/** Reads a page and returns its ```ts blocks. */
export function readTsBlocks(path: string | URL): DocBlock[] {
  return extractTsBlocks(readFileSync(path, 'utf8'));
}

/** Compiles a block to the body of an async function that takes `__import` and `console`. */
export function compileDocBlock(code: string): string {
  const js = ts.transpileModule(code, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: false },
    reportDiagnostics: false,
  }).outputText;
  const source = ts.createSourceFile('block.js', js, ts.ScriptTarget.ES2022, true, ts.ScriptKind.JS);
  return source.statements.map((statement) => rewriteStatement(statement, source)).join('\n');
}

function rewriteStatement(statement: ts.Statement, source: ts.SourceFile): string {
  // transpileModule writes `export {};` when it elides every import (type-only or unused ones).
  const emptyExport =
    ts.isExportDeclaration(statement) &&
    !statement.moduleSpecifier &&
    statement.exportClause !== undefined &&
    ts.isNamedExports(statement.exportClause) &&
    statement.exportClause.elements.length === 0;
  if (emptyExport) return '';
  const exported =
    ts.canHaveModifiers(statement) &&
    (ts.getModifiers(statement) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
  if (exported || ts.isExportDeclaration(statement) || ts.isExportAssignment(statement)) {
    throw new Error('doc blocks are run as scripts: remove the export');
  }
  if (!ts.isImportDeclaration(statement)) return statement.getFullText(source);
  const from = `await __import(${statement.moduleSpecifier.getText(source)})`;
  const clause = statement.importClause;
  if (clause === undefined) return `${from};`;
  const bindings: string[] = [];
  if (clause.name !== undefined) bindings.push(`const ${clause.name.text} = (${from}).default;`);
  const named = clause.namedBindings;
  if (named !== undefined && ts.isNamespaceImport(named)) bindings.push(`const ${named.name.text} = ${from};`);
  if (named !== undefined && ts.isNamedImports(named)) {
    const parts = named.elements.map((e) => (e.propertyName ? `${e.propertyName.text}: ${e.name.text}` : e.name.text));
    bindings.push(`const { ${parts.join(', ')} } = ${from};`);
  }
  return bindings.join('\n');
}

const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as new (
  ...args: string[]
) => (...args: unknown[]) => Promise<unknown>;

/**
 * Runs one block. Imports listed in `modules` resolve to the given namespaces; others are
 * imported normally. Throws what the block throws, and an error when a named import is missing.
 */
export async function runDocBlock(block: DocBlock, modules: DocModules = {}): Promise<DocBlockResult> {
  const output: string[] = [];
  const capture = { ...console, log: (...args: unknown[]) => void output.push(format(...args)) };
  const importModule = async (specifier: string): Promise<unknown> => {
    const namespace = specifier in modules ? await modules[specifier] : await import(/* @vite-ignore */ specifier);
    return new Proxy(namespace as object, {
      get(target, key) {
        if (typeof key === 'string' && key !== 'then' && !(key in target))
          throw new Error(`'${specifier}' has no export named '${key}'`);
        return Reflect.get(target, key);
      },
    });
  };
  const run = new AsyncFunction('__import', 'console', compileDocBlock(block.code));
  const before = tf.memory().numTensors;
  await run(importModule, capture);
  return { output, tensorsLeft: tf.memory().numTensors - before };
}
