import * as tf from '@tensorflow/tfjs-core';
import { KdError, type ModelStore } from '@kd/core';
import { folderConfinedFetch } from './folder-confined-fetch.js';
import { parseModelKey } from './model-keys.js';

/** Options for {@link BrowserModelStore}. */
export interface BrowserModelStoreOptions {
  /** Passed to `fetch` for HTTP keys (headers, credentials, cache mode). */
  requestInit?: RequestInit;
  /** A `fetch` replacement for HTTP keys (e.g. one that adds authentication). */
  fetchFunc?: typeof fetch;
  /** Called with the fraction of weights downloaded for HTTP keys. */
  onProgress?: (fraction: number) => void;
}

/**
 * A {@link ModelStore} over tfjs's browser handlers. Keys:
 * - `indexeddb://name` (or a bare `name`): IndexedDB, survives reloads; save and load.
 * - `localstorage://name`: local storage (about 5 MB per origin); save and load.
 * - `downloads://prefix`: saving downloads `prefix.json` and `prefix.weights.bin`; load those
 *   files back with `tf.io.browserFiles([json, weights])`.
 * - `https://…/model.json` or a path such as `/models/teacher/model.json`: load over HTTP.
 *
 * @example
 * ```ts
 * const store = new BrowserModelStore();
 * await model.save(store.saveHandler('indexeddb://student'));
 * const again = await tf.loadLayersModel(store.loadHandler('indexeddb://student'));
 * console.log(await store.list()); // ['indexeddb://student']
 * ```
 */
export class BrowserModelStore implements ModelStore {
  constructor(private readonly options: BrowserModelStoreOptions = {}) {}

  saveHandler(key: string): tf.io.IOHandler {
    const parsed = parseModelKey(key);
    if (parsed.kind === 'http') {
      throw new KdError(
        'KD_INVALID_ARGUMENT',
        `The browser store loads models from URLs but does not upload them ("${key}"). ` +
          'Save to indexeddb://, localstorage:// or downloads://, ' +
          'or pass tf.io.http(url) to model.save to POST it to your server.',
        { key },
      );
    }
    return onlyHandler(tf.io.getSaveHandlers(parsed.key), parsed.key, 'save');
  }

  loadHandler(key: string): tf.io.IOHandler {
    const parsed = parseModelKey(key);
    if (parsed.kind === 'downloads') {
      throw new KdError(
        'KD_INVALID_ARGUMENT',
        `A download cannot be read back by the page ("${key}"). ` +
          'Let the user pick the two files (<input type="file" multiple>) and load them with ' +
          'tf.io.browserFiles([jsonFile, weightsFile]).',
        { key },
      );
    }
    if (parsed.kind === 'http') {
      const base = this.options.fetchFunc ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
      const inner = tf.io.http(parsed.key, {
        ...(this.options.requestInit ? { requestInit: this.options.requestInit } : {}),
        fetchFunc: folderConfinedFetch(parsed.key, base),
        ...(this.options.onProgress ? { onProgress: this.options.onProgress } : {}),
      });
      return {
        load: async () => {
          try {
            return await inner.load!();
          } catch (e) {
            if (e instanceof Error && /status code 404/.test(e.message)) {
              throw new KdError(
                'KD_MODEL_NOT_FOUND',
                `No model at ${parsed.key} (HTTP 404). Check the URL points at the model.json the converter or model.save wrote.`,
                { key: parsed.key },
                { cause: e },
              );
            }
            throw e;
          }
        },
      };
    }
    const inner = onlyHandler(tf.io.getLoadHandlers(parsed.key), parsed.key, 'load');
    return {
      load: async () => {
        try {
          return await inner.load!();
        } catch (e) {
          const stored = await this.list().catch(() => [] as string[]);
          if (!stored.includes(parsed.key)) {
            throw new KdError(
              'KD_MODEL_NOT_FOUND',
              `No model saved under "${parsed.key}". Save one first or use one of: ${stored.join(', ') || '(none)'}.`,
              { key: parsed.key },
              { cause: e },
            );
          }
          throw e;
        }
      },
    };
  }

  /** Models saved in IndexedDB and local storage, as keys (`indexeddb://name`, `localstorage://name`). */
  async list(): Promise<string[]> {
    return Object.keys(await tf.io.listModels()).sort();
  }

  /** Deletes a model from IndexedDB or local storage; a key that is not stored is ignored. */
  async remove(key: string): Promise<void> {
    const parsed = parseModelKey(key);
    if (parsed.kind === 'http' || parsed.kind === 'downloads') {
      throw new KdError(
        'KD_INVALID_ARGUMENT',
        `Only indexeddb:// and localstorage:// models can be removed by the page; "${key}" lives elsewhere.`,
        { key },
      );
    }
    if ((await this.list()).includes(parsed.key)) await tf.io.removeModel(parsed.key);
  }
}

function onlyHandler(handlers: tf.io.IOHandler[], key: string, what: 'save' | 'load'): tf.io.IOHandler {
  if (handlers.length === 0) {
    const where = key.startsWith('localstorage://')
      ? 'Local storage does not exist in web workers; use indexeddb:// there.'
      : key.startsWith('downloads://')
        ? 'Downloads need a page (document), not a worker.'
        : 'Is this a browser or worker?';
    throw new KdError('KD_INVALID_ARGUMENT', `No tfjs ${what} handler for "${key}" here. ${where}`, { key });
  }
  return handlers[0]!;
}
