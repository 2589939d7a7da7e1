import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { jsonForScriptTag, renderReport } from '../src/index.js';
import { fixtureRun, HOSTILE, hostileRun } from './fixture-run.js';

const dataTag = /<script type="application\/json" id="kd-report-data">([\s\S]*?)<\/script>/;

describe('renderReport', () => {
  it('references nothing over the network: no external script, stylesheet, image or import', () => {
    const html = renderReport(fixtureRun());
    const scriptTags = html.match(/<script\b[^>]*>/gi) ?? [];
    expect(scriptTags).toHaveLength(3);
    for (const tag of scriptTags) expect(tag).not.toMatch(/\ssrc\s*=/i);
    expect(html).not.toMatch(/<link\b/i);
    expect(html).not.toMatch(/\b(src|href)\s*=\s*["']?\s*(https?:)?\/\//i);
    expect(html).not.toMatch(/url\(\s*["']?\s*(https?:)?\/\//i);
    expect(html).not.toMatch(/@import/i);
    expect(html).not.toMatch(/sourceMappingURL/);
    expect(html).toContain("default-src 'none'");
  });

  it('inlines the installed Chart.js build, whole', () => {
    const require = createRequire(import.meta.url);
    const umd = readFileSync(join(dirname(require.resolve('chart.js')), 'chart.umd.min.js'), 'utf8');
    const withoutMap = umd.replace(/\n\/\/# sourceMappingURL=.*\s*$/, '');
    expect(withoutMap).toContain('Chart.js v4.6.1');
    expect(renderReport(fixtureRun())).toContain(withoutMap);
  });

  it('carries the data in a JSON script tag that gives back exactly the input, hostile strings included', () => {
    const input = hostileRun();
    const html = renderReport(input);
    expect(html).not.toContain(HOSTILE.teacher);
    expect(html).not.toContain('<b>bold</b>');
    expect(html).not.toContain('<!-- x -->');
    const json = dataTag.exec(html)?.[1];
    expect(json).toBeDefined();
    expect(json).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(json!)).toEqual(input);
  });

  it('rejects input that is not a run, naming the key', () => {
    const noModels = fixtureRun();
    (noModels.metrics as unknown as Record<string, unknown>).models = undefined;
    expect(() => renderReport(noModels)).toThrow(
      expect.objectContaining({ code: 'KD_DATA_INVALID', message: expect.stringContaining('metrics.models') }),
    );
    const badRole = fixtureRun();
    (badRole.metrics.models[2] as unknown as Record<string, unknown>).role = 'student';
    expect(() => renderReport(badRole)).toThrow(
      expect.objectContaining({ message: expect.stringContaining('metrics.models[2].role') }),
    );
    const badRoc = fixtureRun();
    badRoc.metrics.curves.roc[1]!.tpr.pop();
    expect(() => renderReport(badRoc)).toThrow(
      expect.objectContaining({ message: expect.stringContaining('metrics.curves.roc[1]') }),
    );
    const badHistory = fixtureRun();
    (badHistory.history[5] as unknown as Record<string, unknown>).loss = 'high';
    expect(() => renderReport(badHistory)).toThrow(
      expect.objectContaining({ code: 'KD_DATA_INVALID', message: expect.stringContaining('history[5]') }),
    );
  });

  it('requires the soft-target diagnostics, where the targets came from, the rows without labels, and the dead runs of a search', () => {
    const noDiagnostics = fixtureRun();
    delete (noDiagnostics.metrics as unknown as Record<string, unknown>).diagnostics;
    expect(() => renderReport(noDiagnostics)).toThrow(
      expect.objectContaining({
        code: 'KD_DATA_INVALID',
        message: expect.stringContaining('metrics.diagnostics.softTargets.meanAbsGap'),
      }),
    );
    const badFlag = fixtureRun();
    (badFlag.metrics.diagnostics.softTargets as unknown as Record<string, unknown>).nearlyLabels = 'no';
    expect(() => renderReport(badFlag)).toThrow(
      expect.objectContaining({ message: expect.stringContaining('metrics.diagnostics.softTargets.nearlyLabels') }),
    );
    const badTargets = fixtureRun();
    (badTargets.metrics.settings as unknown as Record<string, unknown>).teacherTargets = 'oof';
    expect(() => renderReport(badTargets)).toThrow(
      expect.objectContaining({ message: expect.stringContaining('metrics.settings.teacherTargets') }),
    );
    for (const [key, value] of [
      ['transfer', undefined],
      ['transfer', { method: 'smote', multiple: 2, seed: 0, rows: 10 }],
      ['transfer', { method: 'munge', multiple: 1.5, seed: 0, rows: 10 }],
      ['unlabeled', undefined],
      ['unlabeled', { file: 'u.csv' }],
    ] as const) {
      const bad = fixtureRun();
      (bad.metrics.settings as unknown as Record<string, unknown>)[key] = value;
      expect(() => renderReport(bad)).toThrow(
        expect.objectContaining({
          code: 'KD_DATA_INVALID',
          message: expect.stringContaining(`metrics.settings.${key}`),
        }),
      );
    }
    const badMultiple = fixtureRun();
    (badMultiple.metrics.search!.rows[0] as unknown as Record<string, unknown>).transferMultiple = -1;
    expect(() => renderReport(badMultiple)).toThrow(
      expect.objectContaining({ message: expect.stringContaining('metrics.search.rows[0]') }),
    );
    const noDead = fixtureRun();
    delete (noDead.metrics.search!.rows[3] as unknown as Record<string, unknown>).dead;
    expect(() => renderReport(noDead)).toThrow(
      expect.objectContaining({ message: expect.stringContaining('metrics.search.rows[3]') }),
    );
    const noDeadList = fixtureRun();
    delete (noDeadList.metrics.search as unknown as Record<string, unknown>).dead;
    expect(() => renderReport(noDeadList)).toThrow(
      expect.objectContaining({ message: expect.stringContaining('metrics.search') }),
    );
  });

  it('keeps the main entry free of Node modules, so it bundles for a browser', async () => {
    const entry = fileURLToPath(new URL('../src/index.ts', import.meta.url));
    // @kd/core and tfjs stay imports, as in the published build; everything else is bundled.
    const result = await build({
      entryPoints: [entry],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      external: ['@kd/core', '@tensorflow/*'],
      logLevel: 'silent',
    });
    expect(result.errors).toEqual([]);
    expect(result.outputFiles[0]!.text).not.toMatch(/from\s*["']node:|require\(["']node:/);
  });
});

describe('jsonForScriptTag', () => {
  it('escapes what could end a script element and round-trips through JSON.parse', () => {
    const value = { a: '</script>', b: '<!--', c: 'a & b', d: '\u2028\u2029', e: [1.5, 0, 1e-300] };
    const json = jsonForScriptTag(value);
    expect(json).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(json)).toEqual(value);
  });
});
