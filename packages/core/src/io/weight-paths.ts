import { KdError } from '../errors/kd-error.js';

/**
 * Checks one `weightsManifest` path of a `model.json` and returns it unchanged when it stays inside
 * the model's folder: a relative path such as `weights.bin` or `shards/group1-shard1of2.bin`.
 * Everything that could name a file elsewhere is refused with `KD_MODEL_INVALID`: `..` segments
 * (also percent-encoded), absolute paths (`/etc/passwd`, `C:\…`, `\\server\…`), URLs with a scheme
 * (`https://other.example/…`, `file:///…`), protocol-relative `//host/…`, backslashes, NUL and
 * query or fragment parts. Every loader kd has (file store, HTTP teachers, the browser store, the
 * `kd` command) calls it before reading a weights file, so a hostile `model.json` cannot make kd
 * read a file it was not given.
 *
 * @example
 * ```ts
 * checkWeightPath('weights.bin', 'models/student/model.json'); // 'weights.bin'
 * checkWeightPath('../../etc/passwd', 'models/student/model.json'); // throws KD_MODEL_INVALID
 * ```
 */
export function checkWeightPath(path: unknown, modelJson: string): string {
  const refuse = (why: string): never => {
    throw new KdError(
      'KD_MODEL_INVALID',
      `${modelJson} lists the weights file ${describe(path)}, which ${why}. ` +
        `A model's weights files must be relative paths inside its folder (such as "weights.bin"); ` +
        're-save or re-convert the model, and do not load model files from sources you do not trust.',
      { modelJson, path },
    );
  };
  if (typeof path !== 'string' || path === '') return refuse('is not a non-empty file name');
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return refuse('is not a valid URL path (bad % escape)');
  }
  for (const form of [path, decoded]) {
    if (form.includes('\u0000')) refuse('contains a NUL character');
    if (form.includes('\\')) refuse('contains a backslash');
    if (/^[a-z][a-z0-9+.-]*:/i.test(form)) refuse('is a URL or drive path, not a path inside the folder');
    if (form.startsWith('/')) refuse('is an absolute path');
    if (/[?#]/.test(form)) refuse('has a query or fragment part');
    if (form.split('/').some((segment) => segment === '..')) refuse('leaves the model folder (a ".." segment)');
  }
  return path;
}

/**
 * Checks every path of a `weightsManifest` with {@link checkWeightPath}; returns them in order.
 *
 * @example
 * ```ts
 * checkWeightPaths([{ paths: ['weights.bin'], weights: [] }], 'model.json'); // ['weights.bin']
 * ```
 */
export function checkWeightPaths(manifest: unknown, modelJson: string): string[] {
  if (!Array.isArray(manifest)) {
    throw new KdError(
      'KD_MODEL_INVALID',
      `${modelJson} has a weightsManifest that is not a list of weight groups. Re-save or re-convert the model.`,
      { modelJson },
    );
  }
  const paths: string[] = [];
  for (const [i, group] of manifest.entries()) {
    const groupPaths = (group as { paths?: unknown } | null)?.paths;
    if (!Array.isArray(groupPaths)) {
      throw new KdError(
        'KD_MODEL_INVALID',
        `${modelJson}: weight group ${i} has no "paths" list. Re-save or re-convert the model.`,
        { modelJson, group: i },
      );
    }
    for (const p of groupPaths) paths.push(checkWeightPath(p, modelJson));
  }
  return paths;
}

/** A value for a message: quoted, and cut to 120 characters so a hostile value cannot flood it. */
function describe(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
