// Plain JavaScript (with public-api.d.ts beside it): the browser package calls it from a vitest
// browser command, which Node loads natively, without a TypeScript transform.
import { dirname, resolve } from 'node:path';
import ts from 'typescript';

/**
 * The exports of each entry point, one `kind name` line each, sorted, under a `# entry` heading:
 * a text a test compares with a committed file, so that every name added to (or dropped from) a
 * package's public API shows up in review.
 *
 * Kinds come from the declarations: `function`, `class`, `const`, `let`, `enum`, `interface`,
 * `type`, `namespace`; a name exported with `export type` of a value is `type-only <kind>`. The
 * entry files are read with the compiler options of `tsconfig` (one program for all of them).
 *
 * @param {Record<string, string>} entries import specifier → entry file, e.g. `{ '@kd/core': 'src/index.ts' }`
 * @param {{ tsconfig: string }} options the package's tsconfig.json
 * @returns {{ report: string, values: Record<string, string[]> }} the text, and each entry's value (runtime) names
 */
export function describePublicApi(entries, { tsconfig }) {
  const config = ts.getParsedCommandLineOfConfigFile(
    resolve(tsconfig),
    {},
    { ...ts.sys, onUnRecoverableConfigFileDiagnostic },
  );
  const base = dirname(resolve(tsconfig));
  const files = Object.fromEntries(Object.entries(entries).map(([name, file]) => [name, resolve(base, file)]));
  const program = ts.createProgram(Object.values(files), { ...config.options, noEmit: true });
  const checker = program.getTypeChecker();
  const sections = [];
  const values = {};
  for (const [name, file] of Object.entries(files)) {
    const source = program.getSourceFile(file);
    const moduleSymbol = source && checker.getSymbolAtLocation(source);
    if (!moduleSymbol) throw new Error(`${file} is not a module the compiler could read`);
    const lines = [];
    values[name] = [];
    for (const symbol of checker.getExportsOfModule(moduleSymbol)) {
      const kind = kindOf(symbol, checker);
      lines.push(`${kind} ${symbol.name}`);
      if (!kind.startsWith('type-only') && isValueKind(kind)) values[name].push(symbol.name);
    }
    lines.sort(byName);
    values[name].sort();
    sections.push(`# ${name}\n${lines.join('\n')}\n`);
  }
  return { report: sections.join('\n'), values };
}

const KINDS = [
  [ts.SymbolFlags.Function, 'function'],
  [ts.SymbolFlags.Class, 'class'],
  [ts.SymbolFlags.Enum, 'enum'],
  [ts.SymbolFlags.ValueModule, 'namespace'],
  [ts.SymbolFlags.Interface, 'interface'],
  [ts.SymbolFlags.TypeAlias, 'type'],
];
const VALUE_KINDS = new Set(['function', 'class', 'enum', 'namespace', 'const', 'let', 'var']);

function kindOf(symbol, checker) {
  const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
  const kinds = [];
  if (target.flags & ts.SymbolFlags.Variable) kinds.push(variableKind(target));
  for (const [flag, kind] of KINDS) if (target.flags & flag) kinds.push(kind);
  const kind = kinds.join('+') || 'unknown';
  return isTypeOnlyExport(symbol) && isValueKind(kind) ? `type-only ${kind}` : kind;
}

function variableKind(symbol) {
  const declaration = symbol.valueDeclaration;
  const list = declaration && ts.isVariableDeclaration(declaration) ? declaration.parent : undefined;
  if (!list || !ts.isVariableDeclarationList(list)) return 'var';
  if (list.flags & ts.NodeFlags.Const) return 'const';
  return list.flags & ts.NodeFlags.Let ? 'let' : 'var';
}

function isValueKind(kind) {
  return kind.split('+').some((k) => VALUE_KINDS.has(k));
}

/** `export type { X }` or `export { type X }` of something that is also a value. */
function isTypeOnlyExport(symbol) {
  return (symbol.declarations ?? []).some(
    (d) =>
      (ts.isExportSpecifier(d) && (d.isTypeOnly || d.parent.parent.isTypeOnly)) ||
      ts.isTypeOnlyImportOrExportDeclaration?.(d),
  );
}

function byName(a, b) {
  const na = a.slice(a.lastIndexOf(' ') + 1);
  const nb = b.slice(b.lastIndexOf(' ') + 1);
  return na < nb ? -1 : na > nb ? 1 : 0;
}

function onUnRecoverableConfigFileDiagnostic(diagnostic) {
  throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
}
