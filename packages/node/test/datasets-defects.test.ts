// Bad data files end in a KdError that names the file (and line and column), within set limits.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import * as tf from '@tensorflow/tfjs-core';
import { isKdError } from '@kd/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  csvBatches,
  DEFAULT_MAX_FIELD_LENGTH,
  DEFAULT_MAX_LINE_LENGTH,
  nodeRuntime,
  readCsv,
  readIdx,
  readImageFolder,
  readJsonLines,
} from '../src/index.js';

let dir: string;
beforeAll(async () => {
  await nodeRuntime().init();
  dir = await mkdtemp(join(tmpdir(), 'kd-data-defects-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The error `run` ends in; fails the test when it is not a KdError. */
async function kdErrorOf(run: () => Promise<unknown>): Promise<{ code: string; message: string }> {
  const error = await run().then(
    () => new Error('resolved without an error'),
    (e: unknown) => e,
  );
  if (!isKdError(error)) throw new Error(`expected a KdError, got ${String(error)}`);
  return { code: error.code, message: error.message };
}

async function file(name: string, content: string | Uint8Array): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

const drain = async (path: string, options: Parameters<typeof csvBatches>[1]) => {
  for await (const batch of csvBatches(path, options)) void batch;
};

describe('CSV reads no silently wrong numbers', () => {
  it('refuses text after a closing quote ("1"2) and a quote inside an unquoted field, with line and column', async () => {
    const first = await file('after-quote.csv', 'a,b,y\n1,"1"2,0\n');
    const a = await kdErrorOf(() => readCsv(first, { label: 'y' }));
    expect(a.code).toBe('KD_DATA_INVALID');
    expect(a.message).toMatch(/after-quote\.csv line 2, column 2: text after the closing quote/);
    const second = await file('inner-quote.csv', 'a,b,y\n1,2,0\n3,4"5,1\n');
    const b = await kdErrorOf(() => readCsv(second, { label: 'y' }));
    expect(b.code).toBe('KD_DATA_INVALID');
    expect(b.message).toMatch(/inner-quote\.csv line 3, column 2: a quote inside an unquoted field/);
  });

  it('refuses hexadecimal, binary and other non-decimal numbers, naming row and column', async () => {
    for (const value of ['0x10', '0b1', '0o7', 'Infinity', '1e999', '1,5', '--1']) {
      const path = await file('hex.csv', `a,b,y\n1,2,0\n3,"${value}",1\n`);
      const error = await kdErrorOf(() => readCsv(path, { label: 'y' }));
      expect(error.code, value).toBe('KD_DATA_INVALID');
      expect(error.message).toContain('line 3, column 2 ("b")');
    }
    const path = await file('decimal.csv', 'a,b,y\n 1e3 ,-.5,0\n+2.,7E-1,1\n');
    const data = await readCsv(path, { label: 'y' });
    // The decimal values, written out: 1000, -0.5, 2, 0.7 (as float32).
    expect(Array.from(data.x.dataSync())).toEqual([1000, -0.5, 2, Math.fround(0.7)]);
    tf.dispose([data.x, data.y]);
  });

  it('reports a bad delimiter as KD_INVALID_ARGUMENT, not a RangeError', async () => {
    const path = await file('ok.csv', 'a,y\n1,0\n');
    expect((await kdErrorOf(() => readCsv(path, { label: 'y', delimiter: ';;' }))).code).toBe('KD_INVALID_ARGUMENT');
    expect((await kdErrorOf(() => readCsv(path, { label: 'y', delimiter: '"' }))).code).toBe('KD_INVALID_ARGUMENT');
  });
});

describe('JSON lines reads no silently wrong data', () => {
  it('refuses a label that is also a feature, as readCsv does', async () => {
    const path = await file('leak.jsonl', '{"x":1,"y":0}\n{"x":2,"y":1}\n');
    const error = await kdErrorOf(() => readJsonLines(path, { label: 'y', features: ['x', 'y'] }));
    expect(error.code).toBe('KD_DATA_INVALID');
    expect(error.message).toMatch(/label key "y" is also listed as a feature/);
  });

  it('refuses numbers given as hexadecimal text', async () => {
    const path = await file('hex.jsonl', '{"x":"0x10","y":0}\n');
    const error = await kdErrorOf(() => readJsonLines(path, { label: 'y', features: ['x'] }));
    expect(error.code).toBe('KD_DATA_INVALID');
    expect(error.message).toContain('line 1, key "x"');
  });
});

describe('readers stay within limits on hostile input', () => {
  it('refuses a CSV field over the default limit with KD_INPUT_TOO_LARGE and a short message', async () => {
    const path = await file('wide-field.csv', `a,y\n${'1'.repeat(DEFAULT_MAX_FIELD_LENGTH + 10)},0\n`);
    const error = await kdErrorOf(() => readCsv(path, { label: 'y' }));
    expect(error.code).toBe('KD_INPUT_TOO_LARGE');
    expect(error.message).toMatch(/wide-field\.csv line 2, column 1: a field longer than 1048576 characters/);
    expect(error.message.length).toBeLessThan(400);
  });

  it('honours maxFieldLength and cuts the offending value short in messages', async () => {
    const path = await file('long-text.csv', `a,y\n${'z'.repeat(200_000)},0\n`);
    const tooLong = await kdErrorOf(() => drain(path, { label: 'y', maxFieldLength: 1000 }));
    expect(tooLong.code).toBe('KD_INPUT_TOO_LARGE');
    const notNumber = await kdErrorOf(() => drain(path, { label: 'y' }));
    expect(notNumber.code).toBe('KD_DATA_INVALID');
    expect(notNumber.message).toContain('(200002 characters)');
    expect(notNumber.message.length).toBeLessThan(400);
  });

  it('refuses a JSON line over maxLineLength with KD_INPUT_TOO_LARGE, default included', async () => {
    const long = `{"x":[${'1,'.repeat(50_000)}1],"y":0}\n`;
    const path = await file('long-line.jsonl', `{"x":[1],"y":0}\n${long}`);
    const error = await kdErrorOf(() => readJsonLines(path, { label: 'y', features: ['x'], maxLineLength: 10_000 }));
    expect(error.code).toBe('KD_INPUT_TOO_LARGE');
    expect(error.message).toMatch(/long-line\.jsonl line 2 is longer than 10000 characters/);
    const huge = await file('huge-line.jsonl', `{"x":"${'a'.repeat(DEFAULT_MAX_LINE_LENGTH)}","y":0}\n`);
    expect((await kdErrorOf(() => readJsonLines(huge, { label: 'y', features: ['x'] }))).code).toBe(
      'KD_INPUT_TOO_LARGE',
    );
  });

  it('stops inflating a gzip IDX file at its limit and at what its header announces', async () => {
    const header = (count: number) => {
      const h = Buffer.alloc(8);
      h.writeUInt32BE(0x0801, 0);
      h.writeUInt32BE(count, 4);
      return h;
    };
    // Header announces 4 MB: over a 1 MB limit, refused from the header alone.
    const big = await file('big.idx.gz', gzipSync(Buffer.concat([header(4 << 20), Buffer.alloc(4 << 20)])));
    const tooLarge = await kdErrorOf(() => readIdx(big, { maxBytes: 1 << 20 }));
    expect(tooLarge.code).toBe('KD_INPUT_TOO_LARGE');
    expect(tooLarge.message).toContain('big.idx.gz');
    // Header announces 16 bytes, the stream inflates to 4 MB: refused at the 17th byte.
    const bomb = await file('bomb.idx.gz', gzipSync(Buffer.concat([header(16), Buffer.alloc(4 << 20)])));
    const lying = await kdErrorOf(() => readIdx(bomb));
    expect(lying.code).toBe('KD_DATA_INVALID');
    expect(lying.message).toMatch(/bomb\.idx\.gz .*more than the 16 value bytes/);
  });
});

describe('reader failures are KdErrors naming the file', () => {
  const csvText = 'a,y\n1,0\n2,1\n';
  const jsonText = '{"a":1,"y":0}\n{"a":2,"y":1}\n';

  it('reports truncated gzip and trailing garbage for CSV, JSON lines and IDX', async () => {
    const cases: Array<[string, Buffer, (path: string) => Promise<unknown>]> = [];
    for (const [kind, text, read] of [
      ['csv', csvText, (p: string) => readCsv(p, { label: 'y' })],
      ['jsonl', jsonText, (p: string) => readJsonLines(p, { label: 'y', features: ['a'] })],
    ] as const) {
      const gz = gzipSync(text);
      cases.push([`cut.${kind}.gz`, gz.subarray(0, gz.length - 6), read]);
      cases.push([`tail.${kind}.gz`, Buffer.concat([gz, Buffer.from('trailing garbage')]), read]);
    }
    const idx = gzipSync(Buffer.from([0, 0, 8, 1, 0, 0, 0, 2, 7, 9]));
    cases.push(['cut.idx.gz', idx.subarray(0, idx.length - 6), (p) => readIdx(p)]);
    cases.push(['tail.idx.gz', Buffer.concat([idx, Buffer.from('junk')]), (p) => readIdx(p)]);
    for (const [name, bytes, read] of cases) {
      const error = await kdErrorOf(async () => read(await file(name, bytes)));
      expect(error.code, name).toBe('KD_DATA_INVALID');
      expect(error.message, name).toContain(name);
      expect(error.message, name).toMatch(/gzip/);
    }
  });

  it('reports a folder given as a data file', async () => {
    const folder = join(dir, 'a-folder.csv');
    await mkdir(folder, { recursive: true });
    for (const read of [
      () => readCsv(folder, { label: 'y' }),
      () => readJsonLines(folder, { label: 'y', features: ['a'] }),
      () => readIdx(folder),
    ]) {
      const error = await kdErrorOf(read);
      expect(error.code).toBe('KD_DATA_INVALID');
      expect(error.message).toContain(`${folder} is a folder`);
    }
  });

  describe('image folders', () => {
    it('reports a missing class folder and a bad size', async () => {
      const root = join(dir, 'images');
      await mkdir(join(root, 'cat'), { recursive: true });
      const missing = await kdErrorOf(() => readImageFolder(root, { size: [8, 8], classes: ['cat', 'dog'] }));
      expect(missing.code).toBe('KD_DATA_INVALID');
      expect(missing.message).toContain(`no folder for class "dog" (${join(root, 'dog')})`);
      for (const size of [[0, 8], [8], [-1, 4], [2.5, 4], '8x8', undefined] as unknown[]) {
        const error = await kdErrorOf(() => readImageFolder(root, { size } as never));
        expect(error.code, JSON.stringify(size)).toBe('KD_INVALID_ARGUMENT');
      }
    });

    it('refuses an 8000×8000 image from its header, before decoding it', async () => {
      const root = join(dir, 'huge');
      await mkdir(join(root, 'cat'), { recursive: true });
      // A PNG signature and IHDR chunk announcing 8000×8000 RGB; no pixel data is needed to refuse it.
      const png = Buffer.alloc(33);
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(png, 0);
      png.writeUInt32BE(13, 8);
      png.write('IHDR', 12, 'latin1');
      png.writeUInt32BE(8000, 16);
      png.writeUInt32BE(8000, 20);
      png[24] = 8;
      png[25] = 2;
      await writeFile(join(root, 'cat', 'huge.png'), png);
      const error = await kdErrorOf(() => readImageFolder(root, { size: [8, 8] }));
      expect(error.code).toBe('KD_INPUT_TOO_LARGE');
      expect(error.message).toContain('huge.png is 8000×8000 pixels');
    });
  });
});
