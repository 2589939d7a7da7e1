/** The report page's stylesheet: readable on screen and in print, no web fonts (nothing to fetch). */
export const PAGE_STYLE = `
:root { color-scheme: light; --ink: #1d2430; --muted: #5b6575; --line: #dde2ea; --panel: #f6f8fb; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: #fff; }
main { max-width: 1280px; margin: 0 auto; padding: 24px 28px 48px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 32px 0 12px; padding-bottom: 6px; border-bottom: 1px solid var(--line); }
h3 { font-size: 15px; margin: 20px 0 8px; }
.subtitle, .note, figcaption, .card-note, .spread { color: var(--muted); }
code { font: 12px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: var(--panel); padding: 2px 6px; border-radius: 4px; word-break: break-all; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(190px, 1fr)); gap: 12px; margin-top: 16px; }
.card { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; }
.card-title { font-size: 12px; font-weight: 600; letter-spacing: .02em; color: var(--muted); }
.card-value { font-size: 22px; font-weight: 600; margin: 2px 0; }
.card-note { font-size: 12px; }
.card.warn { background: #fff4e0; border-color: #e8b765; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; font-size: 13px; }
#models-table td:first-child { min-width: 160px; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
thead th { background: var(--panel); font-weight: 600; vertical-align: bottom; }
thead th.num { text-align: right; }
td.num { text-align: right; white-space: nowrap; }
.spread { font-size: 11px; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 8px; }
tr.role-distilled td { font-weight: 600; }
table.kv th { width: 260px; font-weight: 500; color: var(--muted); }
table.kv td { word-break: break-all; }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(360px, 1fr)); gap: 16px; }
.grid-3 { display: grid; grid-template-columns: repeat(auto-fit, minmax(300px, 1fr)); gap: 16px; margin-top: 16px; }
figure { margin: 0; border: 1px solid var(--line); border-radius: 8px; padding: 10px; }
figcaption { font-size: 12px; margin-top: 6px; }
.chart-box { position: relative; height: 300px; }
.chart-box.tall { height: 400px; }
.error { background: #fde8e8; border: 1px solid #e0a0a0; padding: 12px; border-radius: 6px; }
@media print { main { max-width: none; } figure { break-inside: avoid; } }
`;
