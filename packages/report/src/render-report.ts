import { chartLibrarySource } from './chart-library.js';
import { pageMain } from './page/page-main.js';
import { pageHtml } from './page/page-html.js';
import { jsonForScriptTag, scriptForInlineTag } from './script-safe.js';
import type { ReportInput } from './types.js';
import { validateReportInput } from './validate-input.js';

/** Options for {@link renderReport}. */
export interface RenderReportOptions {
  /**
   * The source of Chart.js's UMD build (`chart.js/dist/chart.umd.min.js`). Default: read from the
   * installed `chart.js` package, which needs Node.js; pass it to render in a browser.
   */
  chartLibrary?: string;
}

/**
 * The report of a distillation run as one self-contained HTML file: loss curves, validation metrics
 * per epoch, the α search with its spread over seeds, ROC curves, the reliability diagram and the
 * size / latency / accuracy comparison of teachers, ensemble and student. The charting library is
 * inlined, so the file opens offline; the run's data sits in a JSON script tag and is never
 * written into the markup.
 *
 * @throws KdError `KD_DATA_INVALID` when `input` is not shaped like a run's metrics.json and history.jsonl.
 *
 * @example
 * ```ts
 * import { renderReport } from '@kd/report';
 * const html = renderReport({ metrics, history });
 * ```
 */
export function renderReport(input: ReportInput, options: RenderReportOptions = {}): string {
  validateReportInput(input);
  const chartLibrary =
    options.chartLibrary === undefined ? chartLibrarySource() : scriptForInlineTag(options.chartLibrary);
  return pageHtml({
    dataJson: jsonForScriptTag({ metrics: input.metrics, history: input.history }),
    chartLibrary,
    pageScript: scriptForInlineTag(pageMain.toString()),
  });
}
