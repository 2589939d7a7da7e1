// Property tests of the CSV and JSON-lines readers: generated tables round-trip exactly, however
// the text is chunked, and arbitrary bytes end in a KdError or data, never anything else.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isKdError } from '@kd/core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvBatches, jsonLinesBatches } from '../src/index.js';
import { CsvRecordParser } from '../src/datasets/csv-record-parser.js';

let dir: string;
let n = 0;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kd-parser-props-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function temp(content: string | Uint8Array): Promise<string> {
  const path = join(dir, `f${n++}`);
  await writeFile(path, content);
  return path;
}

/** RFC 4180 quoting, written here independently of the parser. */
const quote = (field: string) => (/[",\r\n]/.test(field) || field === '' ? `"${field.replace(/"/g, '""')}"` : field);

async function collect(batches: AsyncIterable<{ x: Float32Array; y: Float32Array; featureNames: string[] }>) {
  const x: number[] = [];
  const y: number[] = [];
  let names: string[] = [];
  for await (const b of batches) {
    x.push(...b.x);
    y.push(...b.y);
    names = b.featureNames;
  }
  return { x, y, names };
}

// Finite doubles, written by JavaScript's shortest round-trip form (what a CSV writer produces).
// -0 is left out: both formats write it as "0", so it cannot come back as -0.
const finite = fc.double({ noNaN: true, noDefaultInfinity: true }).map((v) => (Object.is(v, -0) ? 0 : v));
const table = fc.integer({ min: 1, max: 5 }).chain((width) =>
  fc.record({
    names: fc.uniqueArray(fc.string({ minLength: 1, maxLength: 8 }), { minLength: width, maxLength: width }),
    rows: fc.array(fc.tuple(fc.array(finite, { minLength: width, maxLength: width }), fc.integer({ min: 0, max: 9 })), {
      minLength: 1,
      maxLength: 30,
    }),
    crlf: fc.boolean(),
  }),
);

describe('CSV properties', () => {
  it('records split into chunks anywhere parse to the fields that were quoted', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.string({ unit: 'binary' }), { minLength: 2, maxLength: 4 }), {
          minLength: 1,
          maxLength: 8,
        }),
        fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 20 }),
        (records, cuts) => {
          const text = records.map((r) => r.map(quote).join(',')).join('\r\n');
          const parser = new CsvRecordParser(',');
          const out: string[][] = [];
          let at = 0;
          for (let i = 0; at < text.length; i++) {
            const size = cuts[i % cuts.length]!;
            out.push(...parser.push(text.slice(at, at + size)).map((r) => r.fields));
            at += size;
          }
          out.push(...parser.end().map((r) => r.fields));
          expect(out).toEqual(records);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('a generated numeric table reads back as the float32 of every value', async () => {
    await fc.assert(
      fc.asyncProperty(table, async ({ names, rows, crlf }) => {
        const header = [...names, 'label'];
        const eol = crlf ? '\r\n' : '\n';
        const text = [
          header.map(quote).join(','),
          ...rows.map(([v, l]) => [...v.map(String), String(l)].join(',')),
        ].join(eol);
        const got = await collect(csvBatches(await temp(text), { label: 'label', batchSize: 7 }));
        expect(got.names).toEqual(names);
        expect(got.x).toEqual(rows.flatMap(([v]) => v.map((value) => Math.fround(value))));
        expect(got.y).toEqual(rows.map(([, l]) => l));
      }),
      { numRuns: 60 },
    );
  });

  it('arbitrary bytes end in data or a KdError, never another error', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), fc.boolean(), async (bytes, header) => {
        const path = await temp(bytes);
        try {
          await collect(csvBatches(path, { label: 0, header, maxFieldLength: 64 }));
        } catch (error) {
          expect(isKdError(error), String(error)).toBe(true);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('text made of CSV syntax characters ends in data or a KdError', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom('"', ',', '\n', '\r', '1', 'a', ' ', '.', 'e', '-'), { maxLength: 60 }),
        async (chars) => {
          try {
            await collect(csvBatches(await temp(chars.join('')), { label: 0 }));
          } catch (error) {
            expect(isKdError(error), String(error)).toBe(true);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('JSON-lines properties', () => {
  it('generated rows read back exactly, with arrays flattened in order', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 4 }).chain((w) =>
          fc.array(
            fc.record({
              a: finite,
              v: fc.array(finite, { minLength: w, maxLength: w }),
              y: fc.integer({ min: 0, max: 3 }),
            }),
            {
              minLength: 1,
              maxLength: 25,
            },
          ),
        ),
        fc.boolean(),
        async (rows, crlf) => {
          const text = rows.map((r) => JSON.stringify(r)).join(crlf ? '\r\n' : '\n');
          const got = await collect(
            jsonLinesBatches(await temp(text), { label: 'y', features: ['v', 'a'], batchSize: 4 }),
          );
          expect(got.x).toEqual(rows.flatMap((r) => [...r.v, r.a].map((value) => Math.fround(value))));
          expect(got.y).toEqual(rows.map((r) => r.y));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('arbitrary bytes and arbitrary JSON end in data or a KdError, never another error', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 300 }),
          fc
            .array(fc.jsonValue({ maxDepth: 4 }), { maxLength: 5 })
            .map((values) => values.map((v) => JSON.stringify(v)).join('\n')),
        ),
        async (content) => {
          try {
            await collect(jsonLinesBatches(await temp(content), { label: 'y', features: ['x'], maxLineLength: 200 }));
          } catch (error) {
            expect(isKdError(error), String(error)).toBe(true);
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
