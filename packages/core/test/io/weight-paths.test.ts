import { describe, expect, it } from 'vitest';
import {
  checkModelJson,
  checkWeightPath,
  checkWeightPaths,
  isKdError,
  parseModelJson,
  weightBytes,
} from '../../src/index.js';

const refused = (fn: () => unknown): boolean => {
  try {
    fn();
    return false;
  } catch (e) {
    return isKdError(e, 'KD_MODEL_INVALID');
  }
};

describe('checkWeightPath', () => {
  it('accepts relative paths inside the folder', () => {
    for (const p of ['weights.bin', 'group1-shard1of2.bin', 'shards/a.bin', './w.bin', 'a..b.bin'])
      expect(checkWeightPath(p, 'm/model.json')).toBe(p);
  });

  it('refuses every path that can leave the folder', () => {
    for (const p of [
      '../w.bin',
      'a/../../w.bin',
      '..',
      '%2E%2E/w.bin',
      'a/%2e%2e/%2e%2e/w.bin',
      '/etc/passwd',
      '//other.example/w.bin',
      'C:\\Windows\\w.bin',
      'c:w.bin',
      '..\\w.bin',
      'https://other.example/w.bin',
      'file:///etc/passwd',
      'data:application/octet-stream;base64,AAAA',
      'w.bin?x=1',
      'w.bin#frag',
      'w\u0000.bin',
      '%zz',
      '',
      42,
      null,
    ]) {
      expect(
        refused(() => checkWeightPath(p, 'm/model.json')),
        JSON.stringify(p),
      ).toBe(true);
    }
  });

  it('names the model.json and cuts a long hostile value short', () => {
    let message = '';
    try {
      checkWeightPath(`../${'x'.repeat(100_000)}`, 'models/s/model.json');
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain('models/s/model.json');
    expect(message.length).toBeLessThan(600);
    expect(refused(() => checkWeightPaths([{ paths: ['ok.bin', '../no.bin'] }], 'm'))).toBe(true);
    expect(refused(() => checkWeightPaths({ paths: [] }, 'm'))).toBe(true);
  });
});

describe('parseModelJson / checkModelJson / weightBytes', () => {
  it('refuses what is not a tfjs model description', () => {
    for (const text of [
      'null',
      '{}',
      '[]',
      '"model"',
      '{"modelTopology": 3}',
      '{"modelTopology": {}, "weightsManifest": {}}',
      '{',
    ])
      expect(
        refused(() => parseModelJson(text, 'm/model.json')),
        text,
      ).toBe(true);
    expect(
      checkModelJson({ modelTopology: {}, weightsManifest: [{ paths: ['w.bin'], weights: [] }] }, 'm'),
    ).toBeTruthy();
  });

  it('counts weight bytes per dtype and quantization', () => {
    expect(weightBytes([{ name: 'a', shape: [3, 2], dtype: 'float32' }])).toBe(24);
    expect(
      weightBytes([
        { name: 'b', shape: [5], dtype: 'bool' },
        { name: 'c', shape: [], dtype: 'int32' },
      ]),
    ).toBe(9);
    expect(
      weightBytes([{ name: 'q', shape: [10], dtype: 'float32', quantization: { dtype: 'uint8', scale: 1, min: 0 } }]),
    ).toBe(10);
    expect(weightBytes([{ name: 's', shape: [2], dtype: 'string' }])).toBeUndefined();
  });
});
