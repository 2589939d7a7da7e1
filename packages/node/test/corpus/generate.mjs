// Writes the malformed-input corpus and its manifest.json. Run `node generate.mjs` in this folder
// after changing a case; the files are kept in the repository so a review sees each byte.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Buffer } from 'node:buffer';
import { crc32, deflateSync, gzipSync } from 'node:zlib';

const here = dirname(fileURLToPath(import.meta.url));
const cases = [];
const put = (path, bytes) => {
  mkdirSync(dirname(join(here, path)), { recursive: true });
  writeFileSync(join(here, path), bytes);
};
/** One corpus case: `path` (a file, or a folder for images and models), the reader, and the code it must end in. */
const add = (path, reader, code, why, options) =>
  cases.push({ path, reader, code, why, ...(options ? { options } : {}) });

for (const kind of ['csv', 'jsonl', 'idx', 'gzip', 'images', 'model-json'])
  rmSync(join(here, kind), { recursive: true, force: true });

// CSV, read with readCsv(path, { label: 'y', ...options }).
const csv = (name, text, code, why, options) => {
  put(`csv/${name}`, text);
  add(`csv/${name}`, 'csv', code, why, options);
};
csv('text-after-quote.csv', 'a,y\n"1"2,0\n', 'KD_DATA_INVALID', 'text after a closing quote ("1"2 once read as 12)');
csv('quote-in-unquoted.csv', 'a,y\n1"2,0\n', 'KD_DATA_INVALID', 'a quote inside an unquoted field');
csv('hex-number.csv', 'a,y\n0x10,0\n', 'KD_DATA_INVALID', '0x10 (once read as 16)');
csv('binary-number.csv', 'a,y\n0b101,0\n', 'KD_DATA_INVALID', '0b101 is not decimal');
csv('infinity.csv', 'a,y\nInfinity,0\n', 'KD_DATA_INVALID', 'not finite');
csv('nan.csv', 'a,y\nNaN,0\n', 'KD_DATA_INVALID', 'not finite');
csv('overflow.csv', 'a,y\n1e999,0\n', 'KD_DATA_INVALID', 'overflows to Infinity');
csv('empty-field.csv', 'a,y\n,0\n', 'KD_DATA_INVALID', 'an empty feature');
csv('unclosed-quote.csv', 'a,y\n"1,0\n2,1\n', 'KD_DATA_INVALID', 'the file ends inside a quote');
csv('ragged.csv', 'a,b,y\n1,2,0\n3,1\n', 'KD_DATA_INVALID', 'a row with fewer fields');
csv('no-label-column.csv', 'a,b\n1,2\n', 'KD_DATA_INVALID', 'no column y');
csv('header-only.csv', 'a,y\n', 'KD_DATA_INVALID', 'no data rows');
csv('empty.csv', '', 'KD_DATA_INVALID', 'an empty file');
csv('bom-only.csv', '\uFEFF', 'KD_DATA_INVALID', 'a byte-order mark and nothing else');
csv('text-label.csv', 'a,y\n1,cat\n', 'KD_DATA_INVALID', 'a text label without classes');
csv('label-not-a-class.csv', 'a,y\n1,cow\n', 'KD_LABEL_RANGE', 'a label outside classes', { classes: ['cat', 'dog'] });
csv('only-label.csv', 'y\n1\n', 'KD_DATA_INVALID', 'no feature columns');
csv('label-is-feature.csv', 'a,y\n1,0\n', 'KD_DATA_INVALID', 'the label also listed as a feature', {
  features: ['a', 'y'],
});
csv('bad-delimiter.csv', 'a,y\n1,0\n', 'KD_INVALID_ARGUMENT', 'a two-character delimiter', { delimiter: ';;' });
csv('long-field.csv', `a,y\n${'7'.repeat(500)},0\n`, 'KD_INPUT_TOO_LARGE', 'a field over maxFieldLength', {
  maxFieldLength: 100,
});
csv(
  'long-record.csv',
  `a,b,y\n${'1'.repeat(90)},${'2'.repeat(90)},0\n`,
  'KD_INPUT_TOO_LARGE',
  'a record over maxRecordLength',
  { maxRecordLength: 150 },
);
csv('nul-bytes.csv', 'a,y\n1\u0000,0\n', 'KD_DATA_INVALID', 'a NUL inside a number');
csv('utf16.csv', Buffer.from('\uFEFFa,y\n1,0\n', 'utf16le'), 'KD_DATA_INVALID', 'UTF-16 text');
csv(
  'binary.csv',
  Buffer.from(Array.from({ length: 256 }, (_, i) => (i * 73 + 11) % 256)),
  'KD_DATA_INVALID',
  'bytes that are not text',
);

// JSON lines, read with readJsonLines(path, { label: 'y', features: ['x'], ...options }).
const jsonl = (name, text, code, why, options) => {
  put(`jsonl/${name}`, text);
  add(`jsonl/${name}`, 'jsonl', code, why, options);
};
jsonl('not-json.jsonl', '{x: 1, y: 0}\n', 'KD_DATA_INVALID', 'unquoted keys');
jsonl('truncated-object.jsonl', '{"x": 1, "y"\n', 'KD_DATA_INVALID', 'an object cut short');
jsonl('array-line.jsonl', '[1, 0]\n', 'KD_DATA_INVALID', 'a list, not an object');
jsonl('null-line.jsonl', 'null\n', 'KD_DATA_INVALID', 'null, not an object');
jsonl('string-feature.jsonl', '{"x": "abc", "y": 0}\n', 'KD_DATA_INVALID', 'text where a number belongs');
jsonl('hex-string.jsonl', '{"x": "0x10", "y": 0}\n', 'KD_DATA_INVALID', '"0x10" once read as 16');
jsonl('missing-feature.jsonl', '{"y": 0}\n', 'KD_DATA_INVALID', 'no key x');
jsonl('missing-label.jsonl', '{"x": 1}\n', 'KD_DATA_INVALID', 'no key y');
jsonl('nested-array.jsonl', '{"x": [[1]], "y": 0}\n', 'KD_DATA_INVALID', 'a list inside the feature list');
jsonl(
  'ragged-array.jsonl',
  '{"x": [1, 2], "y": 0}\n{"x": [1], "y": 1}\n',
  'KD_DATA_INVALID',
  'the feature list changes length',
);
jsonl(
  'deep-nesting.jsonl',
  `{"x": ${'['.repeat(20000)}${']'.repeat(20000)}, "y": 0}\n`,
  'KD_DATA_INVALID',
  '20,000 nested lists',
);
jsonl('infinity.jsonl', '{"x": 1e999, "y": 0}\n', 'KD_DATA_INVALID', 'a number that overflows');
jsonl('text-label.jsonl', '{"x": 1, "y": "cat"}\n', 'KD_DATA_INVALID', 'a text label without classes');
jsonl('label-not-a-class.jsonl', '{"x": 1, "y": "cow"}\n', 'KD_LABEL_RANGE', 'a label outside classes', {
  classes: ['cat'],
});
jsonl('label-is-feature.jsonl', '{"x": 1, "y": 0}\n', 'KD_DATA_INVALID', 'the label also listed as a feature', {
  features: ['x', 'y'],
});
jsonl('empty.jsonl', '', 'KD_DATA_INVALID', 'no rows');
jsonl('blank-lines.jsonl', '\n\n  \n', 'KD_DATA_INVALID', 'only blank lines');
jsonl('long-line.jsonl', `{"x": [${'1,'.repeat(200)}1], "y": 0}\n`, 'KD_INPUT_TOO_LARGE', 'a line over maxLineLength', {
  maxLineLength: 100,
});
jsonl('no-features-option.jsonl', '{"x": 1, "y": 0}\n', 'KD_INVALID_ARGUMENT', 'features: []', { features: [] });

// IDX, read with readIdx(path, options).
const idxHeader = (type, dims) => {
  const h = Buffer.alloc(4 + 4 * dims.length);
  h.writeUInt32BE(type * 256 + dims.length, 0);
  dims.forEach((d, i) => h.writeUInt32BE(d, 4 + 4 * i));
  return h;
};
const idx = (name, bytes, code, why, options) => {
  put(`idx/${name}`, bytes);
  add(`idx/${name}`, 'idx', code, why, options);
};
idx('bad-magic.idx', Buffer.from([1, 2, 3, 4, 5, 6, 7, 8]), 'KD_DATA_INVALID', 'no leading zero bytes');
idx(
  'unknown-type.idx',
  Buffer.concat([idxHeader(0x07, [2]), Buffer.from([1, 2])]),
  'KD_DATA_INVALID',
  'value type 0x07',
);
idx('short-header.idx', Buffer.from([0, 0, 8, 3, 0, 0, 0]), 'KD_DATA_INVALID', 'the dimensions are cut short');
idx('empty.idx', Buffer.alloc(0), 'KD_DATA_INVALID', 'an empty file');
idx('body-too-short.idx', Buffer.concat([idxHeader(8, [10]), Buffer.alloc(5)]), 'KD_DATA_INVALID', '5 of 10 bytes');
idx(
  'body-too-long.idx',
  Buffer.concat([idxHeader(8, [2]), Buffer.alloc(5)]),
  'KD_DATA_INVALID',
  '5 bytes where 2 belong',
);
idx(
  'float-body-short.idx',
  Buffer.concat([idxHeader(0x0d, [3]), Buffer.alloc(10)]),
  'KD_DATA_INVALID',
  '10 bytes for three float32',
);
idx(
  'huge-header.idx',
  Buffer.concat([idxHeader(8, [65536, 65536, 65536]), Buffer.alloc(4)]),
  'KD_DATA_INVALID',
  'a header claiming 2^48 values',
);
idx(
  'huge-header.idx.gz',
  gzipSync(Buffer.concat([idxHeader(8, [2 ** 31]), Buffer.alloc(64)])),
  'KD_INPUT_TOO_LARGE',
  'gzip, header claiming 2^31 values',
);
idx(
  'bomb.idx.gz',
  gzipSync(Buffer.concat([idxHeader(8, [16]), Buffer.alloc(1 << 20)])),
  'KD_DATA_INVALID',
  'header says 16 bytes, inflates to 1 MiB',
);
idx(
  'over-limit.idx.gz',
  gzipSync(Buffer.concat([idxHeader(8, [4096]), Buffer.alloc(4096)])),
  'KD_INPUT_TOO_LARGE',
  'over maxBytes',
  { maxBytes: 1024 },
);

// Damaged gzip, read as CSV with readCsv(path, { label: 'y' }).
const good = gzipSync('a,y\n1,0\n2,1\n');
const gz = (name, bytes, why) => {
  put(`gzip/${name}`, bytes);
  add(`gzip/${name}`, 'csv', 'KD_DATA_INVALID', why);
};
gz('truncated.csv.gz', good.subarray(0, good.length - 6), 'cut short');
gz('trailing-garbage.csv.gz', Buffer.concat([good, Buffer.from('not gzip at all')]), 'bytes after the gzip member');
const badCrc = Buffer.from(good);
badCrc[badCrc.length - 8] ^= 0xff;
gz('bad-checksum.csv.gz', badCrc, 'a wrong CRC-32');
gz('magic-only.csv.gz', Buffer.from([0x1f, 0x8b]), 'the two magic bytes only');
gz('header-only.csv.gz', good.subarray(0, 10), 'a gzip header and nothing else');
const badMethod = Buffer.from(good);
badMethod[2] = 7;
gz('bad-method.csv.gz', badMethod, 'compression method 7');

// Image folders, read with readImageFolder(path, { size: [4, 4], ...options }).
const chunk = (type, data) => {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE(crc32(body), 8 + data.length);
  return out;
};
const png = (width, height) => {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  const rows = Buffer.alloc(height * (1 + width * 3), 0x40);
  for (let r = 0; r < height; r++) rows[r * (1 + width * 3)] = 0; // filter: none
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
};
const image = (name, files, code, why, options) => {
  for (const [path, bytes] of Object.entries(files)) put(`images/${name}/${path}`, bytes);
  add(`images/${name}`, 'images', code, why, options);
};
image('no-class-folders', { 'note.txt': 'no class folders here' }, 'KD_DATA_INVALID', 'no subfolders');
image('class-without-images', { 'cat/note.txt': 'no images' }, 'KD_DATA_INVALID', 'a class folder with no images');
image('garbage-png', { 'cat/a.png': 'this is not a PNG' }, 'KD_DATA_INVALID', 'text named .png');
image('truncated-png', { 'cat/a.png': png(4, 4).subarray(0, 40) }, 'KD_DATA_INVALID', 'a PNG cut inside its data');
image('huge-png', { 'cat/a.png': png(8000, 8000).subarray(0, 33) }, 'KD_INPUT_TOO_LARGE', 'an 8000×8000 header');
const jpegHeader = Buffer.from([
  0xff, 0xd8, 0xff, 0xe0, 0x00, 0x04, 0x00, 0x00, 0xff, 0xc0, 0x00, 0x11, 0x08, 0x23, 0x28, 0x23, 0x28, 0x03, 0x01,
  0x22, 0x00,
]);
image('huge-jpeg', { 'cat/a.jpg': jpegHeader }, 'KD_INPUT_TOO_LARGE', 'a 9000×9000 JPEG frame header');
const gifHeader = Buffer.from('GIF89a\u00ff\u00ff\u00ff\u00ff\u0000\u0000\u0000', 'latin1');
image('huge-gif', { 'cat/a.gif': gifHeader }, 'KD_INPUT_TOO_LARGE', 'a 65535×65535 GIF screen');
const bmpHeader = Buffer.alloc(54);
bmpHeader.write('BM', 0, 'latin1');
bmpHeader.writeInt32LE(40, 14);
bmpHeader.writeInt32LE(6000, 18);
bmpHeader.writeInt32LE(-6000, 22);
image('huge-bmp', { 'cat/a.bmp': bmpHeader }, 'KD_INPUT_TOO_LARGE', 'a 6000×6000 top-down BMP header');
image('missing-class', { 'cat/a.png': png(4, 4) }, 'KD_DATA_INVALID', 'classes names a folder that is not there', {
  classes: ['cat', 'dog'],
});
image('bad-size', { 'cat/a.png': png(4, 4) }, 'KD_INVALID_ARGUMENT', 'size [0, 4]', { size: [0, 4] });
image('bad-channels', { 'cat/a.png': png(4, 4) }, 'KD_INVALID_ARGUMENT', 'channels 2', { channels: 2 });
image('class-with-slash', { 'cat/a.png': png(4, 4) }, 'KD_INVALID_ARGUMENT', 'a class name leaving the folder', {
  classes: ['../cat'],
});
put('images/root-is-a-file.png', png(4, 4));
add('images/root-is-a-file.png', 'images', 'KD_DATA_INVALID', 'a file given as the folder');

// Model folders, loaded with new FileModelStore(<corpus>/model-json).loadHandler(name).load().
const topology = { class_name: 'Sequential', config: { name: 's', layers: [] } };
const spec = [{ name: 'w', shape: [2], dtype: 'float32' }];
const model = (name, files, code, why) => {
  for (const [path, bytes] of Object.entries(files)) put(`model-json/${name}/${path}`, bytes);
  add(`model-json/${name}`, 'model', code, why);
};
const withPaths = (paths) => JSON.stringify({ modelTopology: topology, weightsManifest: [{ paths, weights: spec }] });
model('null', { 'model.json': 'null' }, 'KD_MODEL_INVALID', 'model.json of null');
model('empty-object', { 'model.json': '{}' }, 'KD_MODEL_INVALID', 'model.json of {}');
model('array', { 'model.json': '[]' }, 'KD_MODEL_INVALID', 'model.json of a list');
model(
  'truncated-json',
  { 'model.json': withPaths(['w.bin']).slice(0, 50) },
  'KD_MODEL_INVALID',
  'model.json cut short',
);
model(
  'manifest-not-a-list',
  { 'model.json': JSON.stringify({ modelTopology: topology, weightsManifest: {} }) },
  'KD_MODEL_INVALID',
  'weightsManifest {}',
);
model(
  'group-without-paths',
  { 'model.json': JSON.stringify({ modelTopology: topology, weightsManifest: [{ weights: spec }] }) },
  'KD_MODEL_INVALID',
  'a group with no paths',
);
model(
  'dotdot-path',
  { 'model.json': withPaths(['../../csv/hex-number.csv']) },
  'KD_MODEL_INVALID',
  'a weights path with ..',
);
model(
  'encoded-dotdot-path',
  { 'model.json': withPaths(['%2e%2e/%2e%2e/csv/hex-number.csv']) },
  'KD_MODEL_INVALID',
  'a percent-encoded ..',
);
model('absolute-path', { 'model.json': withPaths(['/etc/passwd']) }, 'KD_MODEL_INVALID', 'an absolute weights path');
model('url-path', { 'model.json': withPaths(['https://other.example/w.bin']) }, 'KD_MODEL_INVALID', 'a weights URL');
model('backslash-path', { 'model.json': withPaths(['..\\..\\w.bin']) }, 'KD_MODEL_INVALID', 'a Windows-style ..');
model(
  'truncated-weights',
  { 'model.json': withPaths(['w.bin']), 'w.bin': Buffer.alloc(5) },
  'KD_MODEL_INVALID',
  '5 of 8 weight bytes',
);
model('missing-weights', { 'model.json': withPaths(['w.bin']) }, 'KD_MODEL_INVALID', 'the weights file is absent');
model('no-model-json', { 'note.txt': 'not a model' }, 'KD_MODEL_NOT_FOUND', 'a folder without model.json');

put('manifest.json', `${JSON.stringify(cases, null, 2)}\n`);
console.log(`${cases.length} cases`);
