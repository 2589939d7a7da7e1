// The code that runs in the report page. It is shipped as source text (`pageMain.toString()`), so
// it must be self-contained: no imports used at run time, every helper declared inside. It reads
// the run's data from the JSON script tag and writes it into the page with textContent only, so no
// value from metrics.json or history.jsonl is ever parsed as HTML.
import type { Chart as ChartClass, ChartConfiguration, ChartDataset, ScatterDataPoint } from 'chart.js';
import type { HistoryRow, ModelEntry, ReportInput, RunMetrics, TestMetrics } from '../types.js';

/** The Chart.js constructor the page finds as `window.Chart` (the inlined UMD build). */
export type ChartConstructor = typeof ChartClass;

/** Draws the whole report into the page skeleton of `pageHtml`. */
export function pageMain(input: ReportInput, Chart: ChartConstructor): void {
  const { metrics, history } = input;
  const ROLE_COLOURS: Record<ModelEntry['role'], string> = {
    teacher: '#4c72b0',
    ensemble: '#8172b3',
    distilled: '#2a9d5c',
    scratch: '#dd8452',
  };
  const EXTRA_COLOURS = ['#4c72b0', '#c44e52', '#937860', '#da8bc3', '#8c8c8c', '#ccb974', '#64b5cd'];
  const METRIC_LABELS: Record<keyof TestMetrics, string> = {
    accuracy: 'Accuracy',
    auc: 'AUC',
    logLoss: 'Log-loss',
    brier: 'Brier',
    ece: 'ECE',
  };

  Chart.defaults.animation = false;
  Chart.defaults.responsive = true;
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
  Chart.defaults.color = '#333';

  function byId<T extends HTMLElement>(id: string): T {
    const found = document.getElementById(id);
    if (!found) throw new Error(`report page: no element #${id}`);
    return found as T;
  }

  function element<K extends keyof HTMLElementTagNameMap>(
    tag: K,
    text?: string,
    className?: string,
  ): HTMLElementTagNameMap[K] {
    const e = document.createElement(tag);
    if (text !== undefined) e.textContent = text;
    if (className) e.className = className;
    return e;
  }

  function isNumber(v: unknown): v is number {
    return typeof v === 'number' && Number.isFinite(v);
  }

  function fixed(v: number | null | undefined, digits = 3): string {
    return isNumber(v) ? v.toFixed(digits) : '—';
  }

  function percent(v: number | null | undefined): string {
    return isNumber(v) ? `${(v * 100).toFixed(0)}%` : 'n/a';
  }

  function grouped(v: number | null | undefined): string {
    return isNumber(v) ? Math.round(v).toLocaleString('en-US') : '—';
  }

  function bytes(v: number | null | undefined): string {
    if (!isNumber(v)) return '—';
    if (v < 1024) return `${v} B`;
    if (v < 1024 * 1024) return `${(v / 1024).toFixed(1)} KB`;
    return `${(v / 1024 / 1024).toFixed(2)} MB`;
  }

  function compact(v: number | null | undefined): string {
    if (!isNumber(v)) return '—';
    const units: Array<[number, string]> = [
      [1e9, 'G'],
      [1e6, 'M'],
      [1e3, 'k'],
    ];
    for (const [size, suffix] of units) if (Math.abs(v) >= size) return `${(v / size).toFixed(1)}${suffix}`;
    return String(Math.round(v));
  }

  function milliseconds(v: number | null | undefined): string {
    if (!isNumber(v)) return '—';
    return v >= 1 ? v.toFixed(2) : v.toPrecision(3);
  }

  const colourByName = new Map<string, string>();
  metrics.models.forEach((m, i) => {
    const sameRole = metrics.models.filter((o) => o.role === m.role);
    // Several teachers share a role: give each its own shade of the teacher colour.
    const colour =
      m.role === 'teacher' && sameRole.length > 1
        ? EXTRA_COLOURS[sameRole.indexOf(m) % EXTRA_COLOURS.length]!
        : (ROLE_COLOURS[m.role] ?? EXTRA_COLOURS[i % EXTRA_COLOURS.length]!);
    colourByName.set(m.name, colour);
  });

  function colourOf(name: string, fallbackIndex: number): string {
    const direct = colourByName.get(name);
    if (direct) return direct;
    // history.jsonl names models by role ('distilled', 'scratch'); metrics.json by display name.
    const byRole = metrics.models.find((m) => m.role === name);
    if (byRole) return colourByName.get(byRole.name) ?? ROLE_COLOURS[byRole.role];
    return EXTRA_COLOURS[fallbackIndex % EXTRA_COLOURS.length]!;
  }

  function withAlpha(hex: string, alpha: number): string {
    const n = Number.parseInt(hex.slice(1), 16);
    return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
  }

  const charts: ChartClass[] = [];
  function draw(canvasId: string, config: ChartConfiguration): void {
    const canvas = byId<HTMLCanvasElement>(canvasId);
    canvas.setAttribute('role', 'img');
    charts.push(new Chart(canvas, config));
  }

  /** A figure with a canvas, appended to `parent`; returns the canvas id. */
  function addFigure(parent: HTMLElement, id: string, caption: string): string {
    const figure = element('figure');
    const box = element('div', undefined, 'chart-box');
    const canvas = element('canvas');
    canvas.id = id;
    canvas.setAttribute('aria-label', caption);
    box.append(canvas);
    figure.append(box, element('figcaption', caption));
    parent.append(figure);
    return id;
  }

  function axisTitle(text: string) {
    return { display: true, text };
  }

  // ---- header and summary --------------------------------------------------------------------
  function header(m: RunMetrics): void {
    document.title = `kd report: ${m.data.file}`;
    byId('subtitle').textContent =
      `${m.data.file} · label "${m.data.label}" · ${m.kd.createdAt} · runtime ${m.runtime.name} (${m.runtime.backend}) · kd ${m.kd.version}`;
    byId('command').textContent = m.kd.command;
  }

  function card(parent: HTMLElement, title: string, value: string, note: string, className = ''): HTMLElement {
    const c = element('div', undefined, `card${className ? ` ${className}` : ''}`);
    c.append(
      element('div', title, 'card-title'),
      element('div', value, 'card-value'),
      element('div', note, 'card-note'),
    );
    parent.append(c);
    return c;
  }

  function summary(m: RunMetrics): void {
    const box = byId('summary');
    const gapNote = 'of the scratch → ensemble gap closed by distillation (seed means)';
    const noGap = 'n/a: no scratch run, or scratch already matches the ensemble';
    card(box, 'Gap closed, accuracy', percent(m.gapClosed.accuracy), m.gapClosed.accuracy === null ? noGap : gapNote);
    card(box, 'Gap closed, log-loss', percent(m.gapClosed.logLoss), m.gapClosed.logLoss === null ? noGap : gapNote);
    const soft = m.diagnostics.softTargets;
    const source = soft.targets === 'out-of-fold' ? "the teachers' out-of-fold outputs" : "the teachers' own outputs";
    card(
      box,
      'Soft targets, mean |t − y|',
      fixed(soft.meanAbsGap),
      soft.nearlyLabels
        ? `nearly the labels (below ${soft.threshold}): distillation adds little. Try out-of-fold targets (kd train-teacher --folds) or a higher T`
        : `${percent(soft.softShare)} of ${grouped(soft.rows)} training rows soft · entropy ${fixed(soft.meanEntropy)} nats · T ${soft.temperature} · ${source}`,
      soft.nearlyLabels ? 'warn' : '',
    ).id = 'soft-targets-card';
    const student = m.models.find((x) => x.role === 'distilled');
    const reference = m.models.find((x) => x.role === 'ensemble') ?? m.models.find((x) => x.role === 'teacher');
    if (student && reference) {
      const ratio = reference.weightBytes / Math.max(student.weightBytes, 1);
      card(
        box,
        'Size',
        `${ratio >= 10 ? ratio.toFixed(0) : ratio.toFixed(1)}× smaller`,
        `student ${bytes(student.weightBytes)} vs ${reference.name} ${bytes(reference.weightBytes)}`,
      );
      if (student.latencyMs && reference.latencyMs) {
        const speedup = reference.latencyMs.batch1 / Math.max(student.latencyMs.batch1, 1e-9);
        card(
          box,
          'Latency, batch 1',
          `${speedup.toFixed(1)}× faster`,
          `${milliseconds(student.latencyMs.batch1)} ms vs ${milliseconds(reference.latencyMs.batch1)} ms per sample`,
        );
      }
      card(
        box,
        'Test accuracy',
        fixed(student.test.accuracy),
        `student, distilled · ${reference.name}: ${fixed(reference.test.accuracy)}`,
      );
    }
    card(
      box,
      'α, T',
      `α ${m.settings.alpha} · T ${m.settings.temperature}`,
      m.settings.alphaSource === 'search' ? 'α chosen by the search on validation data' : 'α given',
    );
    const extra = extraRows(m);
    if (extra)
      card(
        box,
        'Rows without labels',
        grouped(extra.rows),
        `${extra.parts.join(' + ')} · labelled by the teachers, next to ${grouped(m.data.rows.train)} labelled rows · scratch trained on the labelled rows only`,
      ).id = 'extra-rows-card';
  }

  /** The unlabelled and generated rows of the run, or null without any. */
  function extraRows(m: RunMetrics): { rows: number; parts: string[] } | null {
    const { unlabeled, transfer } = m.settings;
    if (!unlabeled && !transfer) return null;
    return {
      rows: (unlabeled?.rows ?? 0) + (transfer?.rows ?? 0),
      parts: [
        ...(unlabeled ? [`${grouped(unlabeled.rows)} from ${unlabeled.file}`] : []),
        ...(transfer ? [`${grouped(transfer.rows)} by ${transfer.method} × ${transfer.multiple}`] : []),
      ],
    };
  }

  // ---- comparison ------------------------------------------------------------------------------
  function metricCell(model: ModelEntry, key: keyof TestMetrics): HTMLTableCellElement {
    const td = element('td', fixed(model.test[key]), 'num');
    const spread = model.seeds?.[key];
    if (spread) {
      td.append(element('div', `${fixed(spread.mean)} ± ${fixed(spread.std)}`, 'spread'));
      td.title = `${spread.values.length} seeds: ${spread.values.map((v) => fixed(v, 4)).join(', ')}`;
    }
    return td;
  }

  function comparisonTable(m: RunMetrics): void {
    const table = byId<HTMLTableElement>('models-table');
    const head = table.createTHead().insertRow();
    const columns = [
      'Model',
      'Role',
      'Parameters',
      'Weights',
      'FLOPs / sample',
      'Latency b1 (ms)',
      'Latency b256 (ms)',
    ];
    // Every column after Model and Role holds numbers, right-aligned like its header.
    [...columns, ...Object.values(METRIC_LABELS)].forEach((c, i) =>
      head.append(element('th', c, i < 2 ? undefined : 'num')),
    );
    const body = table.createTBody();
    for (const model of m.models) {
      const row = body.insertRow();
      row.className = `role-${model.role}`;
      const name = element('td');
      const swatch = element('span', undefined, 'swatch');
      swatch.style.background = colourOf(model.name, 0);
      name.append(swatch, document.createTextNode(model.name));
      row.append(
        name,
        element('td', model.role),
        element('td', grouped(model.params), 'num'),
        element('td', bytes(model.weightBytes), 'num'),
        element('td', compact(model.flopsPerSample), 'num'),
        element('td', milliseconds(model.latencyMs?.batch1), 'num'),
        element('td', milliseconds(model.latencyMs?.batch256), 'num'),
      );
      for (const key of Object.keys(METRIC_LABELS) as Array<keyof TestMetrics>) row.append(metricCell(model, key));
    }
  }

  /** A long name as lines of whole words (Chart.js draws an array label as lines). */
  function wrapped(name: string, width = 18): string[] {
    const lines: string[] = [];
    for (const word of name.split(' ')) {
      const last = lines[lines.length - 1];
      if (last !== undefined && last.length + 1 + word.length <= width) lines[lines.length - 1] = `${last} ${word}`;
      else lines.push(word);
    }
    return lines;
  }

  // On a log axis only powers of ten are labelled: the others crowd each other out.
  const logAxis = (title: string) => ({
    type: 'logarithmic' as const,
    title: axisTitle(title),
    ticks: { callback: (v: string | number) => (Number.isInteger(Math.log10(Number(v))) ? String(Number(v)) : '') },
  });

  function comparisonCharts(m: RunMetrics): void {
    // Horizontal bars: model names such as 'ensemble of 3 (mean-probability)' read as they are.
    const labels = m.models.map((x) => wrapped(x.name));
    const colours = m.models.map((x) => colourOf(x.name, 0));
    const light = colours.map((c) => withAlpha(c, 0.45));
    const names = { ticks: { autoSkip: false, font: { size: 11 } } };
    draw('chart-size', {
      type: 'bar',
      data: {
        labels,
        datasets: [
          { label: 'weights (KB)', data: m.models.map((x) => x.weightBytes / 1024), backgroundColor: colours },
        ],
      },
      options: {
        indexAxis: 'y',
        plugins: { legend: { display: false }, title: { display: true, text: 'Weight size (KB, log scale)' } },
        scales: { y: names, x: logAxis('KB') },
      },
    });
    draw('chart-latency', {
      type: 'bar',
      data: {
        labels,
        datasets: [
          { label: 'batch 1', data: m.models.map((x) => x.latencyMs?.batch1 ?? null), backgroundColor: colours },
          { label: 'batch 256', data: m.models.map((x) => x.latencyMs?.batch256 ?? null), backgroundColor: light },
        ],
      },
      options: {
        indexAxis: 'y',
        plugins: { title: { display: true, text: 'Latency per sample (ms, log scale)' } },
        scales: { y: names, x: logAxis('ms per sample') },
      },
    });
    const quality = m.models.flatMap((x) => [x.test.accuracy, x.test.auc]).filter(isNumber);
    // Start the axis a little below the worst model, so differences of a point or two are visible.
    const floor = quality.length ? Math.max(0, Math.floor((Math.min(...quality) - 0.05) * 20) / 20) : 0;
    draw('chart-quality', {
      type: 'bar',
      data: {
        labels,
        datasets: [
          { label: 'accuracy', data: m.models.map((x) => x.test.accuracy), backgroundColor: colours },
          { label: 'AUC', data: m.models.map((x) => x.test.auc), backgroundColor: light },
        ],
      },
      options: {
        indexAxis: 'y',
        plugins: { title: { display: true, text: 'Test accuracy and AUC' } },
        scales: { y: names, x: { min: floor, max: 1, title: axisTitle('test split') } },
      },
    });
  }

  // ---- training curves -------------------------------------------------------------------------
  /** Mean over seeds of `pick(row)` per epoch, for one model's history rows. */
  function perEpochMean(rows: HistoryRow[], pick: (r: HistoryRow) => number | undefined): ScatterDataPoint[] {
    const sums = new Map<number, { sum: number; n: number }>();
    for (const r of rows) {
      const v = pick(r);
      if (!isNumber(v)) continue;
      const s = sums.get(r.epoch) ?? { sum: 0, n: 0 };
      s.sum += v;
      s.n += 1;
      sums.set(r.epoch, s);
    }
    return [...sums.entries()].sort((a, b) => a[0] - b[0]).map(([epoch, s]) => ({ x: epoch + 1, y: s.sum / s.n }));
  }

  const historyByModel = new Map<string, HistoryRow[]>();
  for (const r of history) {
    const rows = historyByModel.get(r.model);
    if (rows) rows.push(r);
    else historyByModel.set(r.model, [r]);
  }
  const seedCount = new Set(history.map((r) => r.seed)).size;
  const seedNote = seedCount > 1 ? ` (mean over ${seedCount} seeds)` : '';

  function lossChart(): void {
    const datasets: Array<ChartDataset<'line', ScatterDataPoint[]>> = [];
    [...historyByModel.entries()].forEach(([model, rows], i) => {
      const colour = colourOf(model, i);
      const distilled = rows.some((r) => r.softLoss > 0);
      const line = (label: string, pick: (r: HistoryRow) => number, dash: number[]) =>
        datasets.push({
          label,
          data: perEpochMean(rows, pick),
          borderColor: colour,
          backgroundColor: colour,
          borderDash: dash,
          pointRadius: 2,
        });
      line(`${model}: total`, (r) => r.loss, []);
      if (distilled) {
        line(`${model}: hard`, (r) => r.hardLoss, [6, 3]);
        line(`${model}: soft`, (r) => r.softLoss, [2, 3]);
      }
    });
    draw('chart-loss', {
      type: 'line',
      data: { datasets },
      options: {
        plugins: { title: { display: true, text: `Training loss per epoch${seedNote}` } },
        scales: {
          x: { type: 'linear', min: 1, title: axisTitle('epoch'), ticks: { precision: 0 } },
          y: { title: axisTitle('loss') },
        },
      },
    });
  }

  function validationCharts(): void {
    const keys = [...new Set(history.flatMap((r) => Object.keys(r.val ?? {})))];
    const box = byId('val-charts');
    if (keys.length === 0) {
      box.append(element('p', 'No validation data was used: there is no validation metric per epoch.', 'note'));
      return;
    }
    keys.forEach((key, k) => {
      const id = addFigure(box, `chart-val-${k}`, `${key} per epoch${seedNote}`);
      draw(id, {
        type: 'line',
        data: {
          datasets: [...historyByModel.entries()].map(([model, rows], i) => ({
            label: model,
            data: perEpochMean(rows, (r) => r.val?.[key]),
            borderColor: colourOf(model, i),
            backgroundColor: colourOf(model, i),
            pointRadius: 2,
          })),
        },
        options: {
          plugins: { title: { display: true, text: key } },
          scales: {
            x: { type: 'linear', min: 1, title: axisTitle('epoch'), ticks: { precision: 0 } },
            y: { title: axisTitle(key) },
          },
        },
      });
    });
  }

  // ---- α search --------------------------------------------------------------------------------
  function searchChart(m: RunMetrics): void {
    const note = byId('search-note');
    if (!m.search) {
      byId('search-figure').hidden = true;
      note.textContent = `No α search in this run: α = ${fixed(m.settings.alpha, 2)} was given.`;
      return;
    }
    const search = m.search;
    const temperatures = [...new Set(search.rows.map((r) => r.temperature))].sort((a, b) => a - b);
    const datasets: Array<ChartDataset<'line', ScatterDataPoint[]>> = [];
    temperatures.forEach((t, i) => {
      // A setting whose every run was dead has no mean: it is left out of the curve (the note lists it).
      const rows = search.rows
        .filter((r) => r.temperature === t)
        .flatMap((r) => (isNumber(r.mean) && isNumber(r.std) ? [{ alpha: r.alpha, mean: r.mean, std: r.std }] : []))
        .sort((a, b) => a.alpha - b.alpha);
      const colour = EXTRA_COLOURS[i % EXTRA_COLOURS.length]!;
      const label = temperatures.length > 1 ? `T = ${t}` : `mean over seeds (T = ${t})`;
      // The band is drawn as the area between an upper and a lower line, both hidden from the legend.
      datasets.push({
        label: `${label} + std`,
        data: rows.map((r) => ({ x: r.alpha, y: r.mean + r.std })),
        borderWidth: 0,
        pointRadius: 0,
        backgroundColor: withAlpha(colour, 0.18),
        fill: '+1',
      });
      datasets.push({
        label: `${label} − std`,
        data: rows.map((r) => ({ x: r.alpha, y: r.mean - r.std })),
        borderWidth: 0,
        pointRadius: 0,
        fill: false,
      });
      datasets.push({
        label,
        data: rows.map((r) => ({ x: r.alpha, y: r.mean })),
        borderColor: colour,
        backgroundColor: colour,
        pointRadius: 3,
      });
    });
    const chosen = search.rows.find(
      (r) => r.alpha === search.chosen.alpha && r.temperature === search.chosen.temperature,
    );
    if (chosen && isNumber(chosen.mean))
      datasets.push({
        label: `chosen: α = ${search.chosen.alpha}, T = ${search.chosen.temperature}`,
        data: [{ x: chosen.alpha, y: chosen.mean }],
        borderColor: '#111',
        backgroundColor: '#f2c14e',
        pointRadius: 8,
        pointStyle: 'rectRot',
        showLine: false,
      });
    draw('chart-search', {
      type: 'line',
      data: { datasets },
      options: {
        plugins: {
          title: { display: true, text: `Validation ${search.metric} by α, mean ± std over seeds` },
          legend: { labels: { filter: (item) => !/ [+−] std$/.test(item.text) } },
        },
        scales: {
          x: { type: 'linear', min: 0, max: 1, title: axisTitle('α (weight of the hard loss)') },
          y: { title: axisTitle(search.metric) },
        },
      },
    });
    const dead = search.dead.length
      ? ` ${search.dead.length} dead run${search.dead.length > 1 ? 's' : ''} (the student learned nothing; re-initialised once with another seed, in no mean): ${search.dead
          .map((d) => `α ${d.alpha}, T ${d.temperature}, seed ${d.seed} (${d.reason})`)
          .join('; ')}.`
      : '';
    note.textContent = `Chosen on validation data: α = ${search.chosen.alpha}, T = ${search.chosen.temperature} (${search.rows.length} settings searched).${dead}`;
  }

  // ---- test-split curves -----------------------------------------------------------------------
  const diagonal: ChartDataset<'scatter', ScatterDataPoint[]> = {
    label: 'chance',
    data: [
      { x: 0, y: 0 },
      { x: 1, y: 1 },
    ],
    borderColor: '#999',
    borderDash: [4, 4],
    pointRadius: 0,
    showLine: true,
  };

  function rocChart(m: RunMetrics): void {
    draw('chart-roc', {
      type: 'scatter',
      data: {
        datasets: [
          ...m.curves.roc.map((c, i) => {
            const auc = m.models.find((x) => x.name === c.name)?.test.auc;
            return {
              label: isNumber(auc) ? `${c.name} (AUC ${auc.toFixed(3)})` : c.name,
              data: c.fpr.map((x, j) => ({ x, y: c.tpr[j] ?? Number.NaN })),
              borderColor: colourOf(c.name, i),
              backgroundColor: colourOf(c.name, i),
              pointRadius: 0,
              showLine: true,
              borderWidth: 2,
            };
          }),
          diagonal,
        ],
      },
      options: {
        plugins: { title: { display: true, text: 'ROC curves, test split' } },
        scales: {
          x: { min: 0, max: 1, title: axisTitle('false positive rate') },
          y: { min: 0, max: 1, title: axisTitle('true positive rate') },
        },
      },
    });
  }

  function reliabilityChart(m: RunMetrics): void {
    draw('chart-reliability', {
      type: 'scatter',
      data: {
        datasets: [
          ...m.curves.reliability.map((c, i) => {
            const ece = m.models.find((x) => x.name === c.name)?.test.ece;
            return {
              label: isNumber(ece) ? `${c.name} (ECE ${ece.toFixed(3)})` : c.name,
              data: c.bins
                .filter((b) => b.count > 0)
                .map((b) => ({ x: b.meanPredicted, y: b.fractionPositive, count: b.count })),
              borderColor: colourOf(c.name, i),
              backgroundColor: colourOf(c.name, i),
              pointRadius: 3,
              showLine: true,
            };
          }),
          { ...diagonal, label: 'perfect calibration' },
        ],
      },
      options: {
        plugins: {
          title: { display: true, text: 'Reliability diagram, test split' },
          tooltip: {
            callbacks: {
              afterLabel: (item) => {
                const count = (item.raw as { count?: number }).count;
                return count === undefined ? '' : `${count} samples in the bin`;
              },
            },
          },
        },
        scales: {
          x: { min: 0, max: 1, title: axisTitle('mean predicted probability') },
          y: { min: 0, max: 1, title: axisTitle('fraction positive') },
        },
      },
    });
  }

  // ---- settings --------------------------------------------------------------------------------
  function keyValueTable(id: string, rows: Array<[string, string]>): void {
    const body = byId<HTMLTableElement>(id).createTBody();
    for (const [key, value] of rows) {
      const row = body.insertRow();
      row.append(element('th', key), element('td', value));
    }
  }

  function settings(m: RunMetrics): void {
    const s = m.settings;
    const features = Array.isArray(m.data.features)
      ? `${m.data.features.length}: ${m.data.features.join(', ')}`
      : String(m.data.features);
    keyValueTable('settings-table', [
      ['α', `${s.alpha} (${s.alphaSource === 'search' ? 'chosen by the search' : 'given'})`],
      ['temperature T', String(s.temperature)],
      ['epochs', String(s.epochs)],
      ['batch size', String(s.batchSize)],
      ['learning rate', String(s.learningRate)],
      ['seeds', s.seeds.join(', ')],
      ['ensemble combination', s.combine ?? '—'],
      [
        'soft targets of the training rows',
        s.teacherTargets === 'out-of-fold'
          ? `out-of-fold: each row from the fold model (of ${s.outOfFold?.folds ?? '?'}) that did not train on it`
          : "in-fold: the teachers' own outputs",
      ],
      [
        'soft targets: mean |t − y|, entropy, soft share',
        `${fixed(m.diagnostics.softTargets.meanAbsGap, 4)}, ${fixed(m.diagnostics.softTargets.meanEntropy, 4)} nats, ${percent(m.diagnostics.softTargets.softShare)} (training rows, T = ${m.diagnostics.softTargets.temperature})`,
      ],
      [
        'rows without labels (--unlabeled)',
        s.unlabeled ? `${grouped(s.unlabeled.rows)} rows of ${s.unlabeled.file}, labelled by the teachers` : '—',
      ],
      [
        'transfer set (--transfer)',
        s.transfer
          ? `${s.transfer.method} × ${s.transfer.multiple}, seed ${s.transfer.seed}: ${grouped(s.transfer.rows)} rows generated from the training rows, labelled by the teachers`
          : '—',
      ],
      [
        'student from scratch',
        !m.models.some((x) => x.role === 'scratch')
          ? 'not trained'
          : s.unlabeled || s.transfer
            ? 'trained on the labelled rows only (so the gap closed is what distillation with these rows gained)'
            : 'trained on the labelled rows',
      ],
      ['data file', m.data.file],
      ['data sha256', m.data.sha256],
      ['label column', m.data.label],
      ['features', features],
      ['rows (train / validation / test)', `${m.data.rows.train} / ${m.data.rows.validation} / ${m.data.rows.test}`],
      ['runtime', `${m.runtime.name} (backend ${m.runtime.backend})`],
    ]);
    keyValueTable(
      'versions-table',
      Object.entries(m.versions).map(([k, v]): [string, string] => [k, v]),
    );
    if (m.quantization) {
      const q = m.quantization;
      byId('quantization-section').hidden = false;
      keyValueTable('quantization-table', [
        ['weights', q.dtype],
        [
          'bytes',
          `${bytes(q.bytesBefore)} → ${bytes(q.bytesAfter)} (${((q.bytesAfter / q.bytesBefore) * 100).toFixed(0)}%)`,
        ],
        ['accuracy change', `${q.accuracyChange >= 0 ? '+' : ''}${q.accuracyChange.toFixed(4)}`],
        ['AUC change', `${q.aucChange >= 0 ? '+' : ''}${q.aucChange.toFixed(4)}`],
      ]);
    }
  }

  header(metrics);
  summary(metrics);
  comparisonTable(metrics);
  comparisonCharts(metrics);
  lossChart();
  validationCharts();
  searchChart(metrics);
  rocChart(metrics);
  reliabilityChart(metrics);
  settings(metrics);
  document.body.dataset.report = 'ready';
}
