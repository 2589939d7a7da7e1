// A model.json fetched over HTTP cannot make the page fetch files outside the model's folder.
import { isKdError } from '@kd/core';
import { describe, expect, it } from 'vitest';
import { BrowserModelStore, loadTeacher } from '../src/index.js';

const topology = { class_name: 'Sequential', config: { name: 's', layers: [] } };

/** A fetch answering `model.json` with `body` and recording every URL asked for. */
function fakeServer(body: string): { fetchFunc: typeof fetch; asked: string[] } {
  const asked: string[] = [];
  const fetchFunc = (async (input: RequestInfo | URL) => {
    const url = String(input instanceof Request ? input.url : input);
    asked.push(url);
    if (url.endsWith('/model.json')) return new Response(body, { status: 200 });
    return new Response(new Uint8Array(8), { status: 200 });
  }) as typeof fetch;
  return { fetchFunc, asked };
}

const withPath = (path: string) =>
  JSON.stringify({
    modelTopology: topology,
    weightsManifest: [{ paths: [path], weights: [{ name: 'w', shape: [2], dtype: 'float32' }] }],
  });

describe('HTTP model loading stays inside the model folder', () => {
  for (const path of ['../../secret.bin', '%2e%2e/secret.bin', '/private/secret.bin', 'https://other.example/w.bin']) {
    it(`refuses the weights path ${JSON.stringify(path)} before fetching it`, async () => {
      const { fetchFunc, asked } = fakeServer(withPath(path));
      const error = await loadTeacher('https://models.example/teachers/t/model.json', { fetchFunc }).catch(
        (e: unknown) => e,
      );
      expect(isKdError(error, 'KD_MODEL_INVALID')).toBe(true);
      expect(asked).toEqual(['https://models.example/teachers/t/model.json']);
    });
  }

  for (const body of ['null', '{}', '{"modelTopology":']) {
    it(`reports a model.json of ${body} as KD_MODEL_INVALID`, async () => {
      const { fetchFunc } = fakeServer(body);
      const store = new BrowserModelStore({ fetchFunc });
      const error = await store.loadHandler('https://models.example/t/model.json').load!().catch((e: unknown) => e);
      expect(isKdError(error, 'KD_MODEL_INVALID')).toBe(true);
      expect((error as Error).message).toContain('https://models.example/t/model.json');
    });
  }

  it('still fetches weights that sit next to model.json', async () => {
    const { fetchFunc, asked } = fakeServer(withPath('group1-shard1of1.bin'));
    const artifacts = await new BrowserModelStore({ fetchFunc }).loadHandler('https://models.example/t/model.json')
      .load!();
    expect(asked).toEqual(['https://models.example/t/model.json', 'https://models.example/t/group1-shard1of1.bin']);
    expect(artifacts.weightSpecs?.[0]?.name).toBe('w');
  });
});
