import { KdError, parseModelJson } from '@kd/core';

/**
 * Wraps `fetch` for loading the model at `modelUrl` over HTTP so it reads nothing outside the
 * model's folder: the `model.json` it returns is checked with `parseModelJson` (weights paths
 * relative and inside the folder, else `KD_MODEL_INVALID`), and every other request must stay on
 * the same origin under the same folder. tfjs's `http` handler fetches the weights files the
 * manifest names relative to `model.json`, so a `../` path or another origin would otherwise be
 * fetched with the page's credentials.
 *
 * @example
 * ```ts
 * const handler = tf.io.http(url, { fetchFunc: folderConfinedFetch(url, fetch) });
 * ```
 */
export function folderConfinedFetch(modelUrl: string, base: typeof fetch): typeof fetch {
  const page = (globalThis as { location?: { href?: string } }).location?.href;
  const model = new URL(modelUrl, page);
  const folder = new URL('.', model);
  return async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = new URL(input instanceof Request ? input.url : String(input), model);
    if (url.href === model.href) {
      const response = await base(input, init);
      if (!response.ok) return response;
      const text = await response.text();
      parseModelJson(text, modelUrl);
      return new Response(text, {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
      });
    }
    if (url.origin !== folder.origin || !url.pathname.startsWith(folder.pathname)) {
      throw new KdError(
        'KD_MODEL_INVALID',
        `The model at ${modelUrl} asks to fetch ${url.href.slice(0, 200)}, outside its folder ${folder.href}. ` +
          'Its weights files must sit next to model.json; do not load models from sources you do not trust.',
        { modelJson: modelUrl, url: url.href },
      );
    }
    return base(input, init);
  };
}
