import type { ConformanceRow } from '../run/types.js';

const HEADERS = ['runtime', 'check', 'result', 'max |Δ|', 'max rel', 'tolerance', 'detail'];

function num(v: number | undefined): string {
  if (v === undefined) return '';
  if (v === 0) return '0';
  if (!Number.isFinite(v)) return String(v);
  return v.toExponential(2);
}

/**
 * The conformance rows as a plain-text table, one line per check, with the measured maximum
 * differences and the tolerance they were held to.
 *
 * @example
 * ```ts
 * console.log(formatTable(await runConformance()));
 * ```
 */
export function formatTable(rows: readonly ConformanceRow[]): string {
  const cells = rows.map((r) => [
    r.runtime,
    r.check,
    r.status.toUpperCase(),
    num(r.maxAbsDiff),
    num(r.maxRelDiff),
    r.tolerance ? `rtol ${r.tolerance.rtol}, atol ${r.tolerance.atol}` : '',
    r.detail,
  ]);
  const widths = HEADERS.map((h, i) =>
    Math.max(h.length, ...cells.map((c) => (i === HEADERS.length - 1 ? 0 : c[i]!.length))),
  );
  const line = (c: string[]) =>
    c
      .map((v, i) => (i === c.length - 1 ? v : v.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(HEADERS), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}
