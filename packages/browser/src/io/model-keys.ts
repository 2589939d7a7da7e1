import { KdError } from '@kd/core';

/** The places a {@link BrowserModelStore} key can point at. */
export type ModelKeyKind = 'indexeddb' | 'localstorage' | 'downloads' | 'http';

/** A store key split into where it points and the normalised key tfjs understands. */
export interface ParsedModelKey {
  kind: ModelKeyKind;
  /** `indexeddb://name`, `localstorage://name`, `downloads://prefix` or the URL as given. */
  key: string;
}

const SCHEMES: Array<[string, ModelKeyKind]> = [
  ['indexeddb://', 'indexeddb'],
  ['localstorage://', 'localstorage'],
  ['downloads://', 'downloads'],
];

/**
 * Reads a model key: `indexeddb://name`, `localstorage://name`, `downloads://prefix`, an
 * `http(s)://` URL or a path (`/models/a/model.json`, `./model.json`). A bare name means
 * `indexeddb://name`.
 */
export function parseModelKey(key: string): ParsedModelKey {
  if (typeof key !== 'string' || key.trim() === '') {
    throw new KdError(
      'KD_INVALID_ARGUMENT',
      `A model key must be a non-empty string such as "indexeddb://student" or "https://example.com/teacher/model.json"; got ${JSON.stringify(key)}.`,
      { key },
    );
  }
  for (const [scheme, kind] of SCHEMES) {
    if (key.toLowerCase().startsWith(scheme)) {
      const name = key.slice(scheme.length);
      if (name === '' && kind !== 'downloads')
        throw new KdError('KD_INVALID_ARGUMENT', `The model key "${key}" has no name after ${scheme}.`, { key });
      return { kind, key: scheme + name };
    }
  }
  if (/^https?:\/\//i.test(key) || key.startsWith('/') || key.startsWith('./') || key.startsWith('../'))
    return { kind: 'http', key };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(key)) {
    throw new KdError(
      'KD_INVALID_ARGUMENT',
      `The model key "${key}" uses a scheme the browser store does not know. Use indexeddb://, localstorage://, downloads://, http(s):// or a path.`,
      { key },
    );
  }
  return { kind: 'indexeddb', key: `indexeddb://${key}` };
}
