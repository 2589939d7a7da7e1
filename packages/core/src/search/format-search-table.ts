import type { SearchAlphaResult } from './search-alpha.js';

/**
 * The result table of a search as text: one line per (α, T) with mean ± std over its live runs,
 * how many runs counted and how many were dead, and a `*` on the chosen point. A search with a
 * transfer set has a `×N` column too: the setting's transfer multiple. With successive halving a
 * last column says which settings trained all epochs (`complete`) and after how many epochs the
 * others were dropped: their means are over fewer epochs, so they are never chosen.
 *
 * @example
 * ```ts
 * console.log(formatSearchTable(await searchAlpha(options)));
 * //   α     T     val_auc          n  dead
 * // * 0.5   1     0.9132 ± 0.0041  3  0
 * ```
 */
export function formatSearchTable(result: SearchAlphaResult, digits = 4): string {
  const transfer = result.rows.some((r) => r.transferMultiple !== undefined);
  const halving = result.halving;
  const header = [
    '',
    'α',
    'T',
    ...(transfer ? ['×N'] : []),
    result.metric,
    'n',
    'dead',
    ...(halving ? ['halving'] : []),
  ];
  const lines = result.rows.map((r) => [
    r === result.best ? '*' : '',
    String(r.alpha),
    String(r.temperature),
    ...(transfer ? [String(r.transferMultiple ?? '')] : []),
    Number.isFinite(r.mean) ? `${r.mean.toFixed(digits)} ± ${r.std.toFixed(digits)}` : 'none',
    String(r.values.length),
    String(r.dead),
    ...(halving
      ? [
          r.droppedAtRung === undefined
            ? 'complete'
            : `dropped after ${halving.rungs[r.droppedAtRung]!.epochs} of ${halving.rungs.at(-1)!.epochs} epochs`,
        ]
      : []),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  return [header, ...lines]
    .map((l) =>
      l
        .map((c, i) => c.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
