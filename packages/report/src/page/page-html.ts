import { PAGE_STYLE } from './page-style.js';

/** What {@link pageHtml} puts together. */
export interface PageParts {
  /** The run's data, already serialised by `jsonForScriptTag`. */
  dataJson: string;
  /** The charting library's built UMD file, made safe for an inline script. */
  chartLibrary: string;
  /** The page code, a function expression taking `(data, Chart)`. */
  pageScript: string;
}

// Nothing may be fetched: the page is a file that must open on a machine without network, and the
// policy makes any attempt fail loudly instead of silently reaching out.
const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:";

/**
 * The report page: a fixed skeleton, the data in a JSON script tag, the charting library and the
 * page code inline. No value from the run is written into the markup itself: the page code fills
 * the skeleton in with textContent.
 */
export function pageHtml(parts: PageParts): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">
<meta name="generator" content="kd">
<title>kd report</title>
<style>${PAGE_STYLE}</style>
</head>
<body>
<main>
<header>
<h1>Knowledge distillation report</h1>
<p class="subtitle" id="subtitle"></p>
<p><code id="command"></code></p>
</header>
<p class="error" id="report-error" hidden></p>
<section class="cards" id="summary" aria-label="summary"></section>

<h2>Teachers, ensemble and student</h2>
<div class="table-wrap"><table id="models-table"></table></div>
<p class="note">Test split. Distilled and scratch rows hold seed 0's model (the one saved); the line below a value is its mean ± std over seeds (hover it for each seed's value).</p>
<div class="grid-3">
<figure><div class="chart-box"><canvas id="chart-size" aria-label="weight size per model"></canvas></div></figure>
<figure><div class="chart-box"><canvas id="chart-latency" aria-label="latency per sample per model"></canvas></div></figure>
<figure><div class="chart-box"><canvas id="chart-quality" aria-label="test accuracy and AUC per model"></canvas></div></figure>
</div>

<h2>Training</h2>
<div class="grid">
<figure><div class="chart-box"><canvas id="chart-loss" aria-label="training loss per epoch"></canvas></div>
<figcaption>Total loss, and for the distilled student its hard part (against the labels, dashed) and soft part (against the teacher, dotted).</figcaption></figure>
</div>
<h3>Validation metrics per epoch</h3>
<div class="grid" id="val-charts"></div>

<h2>α search</h2>
<figure id="search-figure"><div class="chart-box"><canvas id="chart-search" aria-label="alpha search"></canvas></div>
<figcaption>Each α trained once per seed; the band is the mean ± one standard deviation over seeds, on validation data only.</figcaption></figure>
<p class="note" id="search-note"></p>

<h2>Test split</h2>
<div class="grid">
<figure><div class="chart-box tall"><canvas id="chart-roc" aria-label="ROC curves"></canvas></div></figure>
<figure><div class="chart-box tall"><canvas id="chart-reliability" aria-label="reliability diagram"></canvas></div></figure>
</div>

<section id="quantization-section" hidden>
<h2>Quantization</h2>
<table class="kv" id="quantization-table"></table>
</section>

<h2>Run settings</h2>
<table class="kv" id="settings-table"></table>
<h3>Versions</h3>
<table class="kv" id="versions-table"></table>
</main>
<script type="application/json" id="kd-report-data">${parts.dataJson}</script>
<script>${parts.chartLibrary}</script>
<script>
(function () {
  var data = JSON.parse(document.getElementById('kd-report-data').textContent);
  try {
    (${parts.pageScript})(data, window.Chart);
  } catch (e) {
    document.body.dataset.report = 'failed';
    var box = document.getElementById('report-error');
    box.hidden = false;
    box.textContent = 'The report could not be drawn: ' + (e && e.message ? e.message : String(e));
    throw e;
  }
})();
</script>
</body>
</html>
`;
}
