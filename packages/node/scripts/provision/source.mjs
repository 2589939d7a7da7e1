import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import process from 'node:process';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { clearInterval, setInterval } from 'node:timers';
import { lastLines, ProvisionError } from './errors.mjs';
import { formatBytes } from './progress.mjs';
import { exists, runCommand } from './run.mjs';

/** TensorFlow wheel provisioning uses unless told otherwise (tested end to end with tfjs-node 4.22.0). */
export const DEFAULT_TF_VERSION = '2.18.1';
/** PyPI project the wheel comes from; `tensorflow` works too (it carries the same libraries, bigger). */
export const DEFAULT_TF_PACKAGE = 'tensorflow-cpu';
/** Python tag of the wheel asked for. The libraries inside are the same for every tag. */
export const DEFAULT_WHEEL_PYTHON = '3.11';

/** Where downloads are kept between runs: `$KD_CACHE_DIR`, else `$XDG_CACHE_HOME/kd`, else `~/.cache/kd`. */
export function defaultCacheDir(env = process.env) {
  const root = env.KD_CACHE_DIR || join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'kd');
  return join(root, 'tfjs-node');
}

/**
 * What the user asked for, before anything is fetched: a path, a URL, or a PyPI wheel.
 * Two equal descriptors name the same libraries, which lets a rerun keep what is staged.
 */
export function describeSource({
  libtensorflow,
  tfVersion = DEFAULT_TF_VERSION,
  tfPackage = DEFAULT_TF_PACKAGE,
  cwd = process.cwd(),
}) {
  if (libtensorflow && /^https?:\/\//i.test(libtensorflow)) return { kind: 'url', url: libtensorflow };
  if (libtensorflow) return { kind: 'path', path: resolve(cwd, libtensorflow) };
  return { kind: 'pypi', package: tfPackage, version: tfVersion };
}

/**
 * Makes the libraries of `source` available on disk: downloads a URL or a wheel into the cache
 * (reusing what is there), or checks a given path.
 * @returns {Promise<{ file: string, format: 'wheel' | 'tarball' | 'directory', version?: string, note: string }>}
 */
export async function acquireSource(
  source,
  { cacheDir, python, wheelPython = DEFAULT_WHEEL_PYTHON, reporter, env = process.env },
) {
  if (source.kind === 'path') return classify(source.path, 'given path');
  if (source.kind === 'url') {
    const file = await downloadUrl(source.url, cacheDir, reporter);
    return classify(file.path, file.cached ? 'cached download' : 'downloaded');
  }
  const wheel = await fetchWheel(source, { cacheDir, python, wheelPython, reporter, env });
  return {
    file: wheel.path,
    format: 'wheel',
    version: source.version,
    note: wheel.cached ? 'cached wheel' : 'downloaded wheel',
  };
}

async function classify(file, note) {
  let info;
  try {
    info = await stat(file);
  } catch {
    throw new ProvisionError(
      `The libtensorflow source ${file} does not exist. Pass --libtensorflow a directory (with lib/ and include/, or a wheel's tensorflow/ folder), a .tar.gz, a .whl, or an http(s) URL of one of these.`,
      { step: 'source', path: file },
    );
  }
  const version = /(\d+\.\d+\.\d+)/.exec(basename(file))?.[1];
  if (info.isDirectory()) return { file, format: 'directory', version, note };
  if (/\.(whl|zip)$/i.test(file)) return { file, format: 'wheel', version, note };
  if (/\.(tar\.gz|tgz)$/i.test(file)) return { file, format: 'tarball', version, note };
  throw new ProvisionError(
    `Cannot tell what ${file} holds: expected a .whl, .zip, .tar.gz or .tgz file, or a directory.`,
    { step: 'source', path: file },
  );
}

async function downloadUrl(url, cacheDir, reporter) {
  const dir = join(cacheDir, 'downloads');
  const name = `${createHash('sha256').update(url).digest('hex').slice(0, 12)}-${basename(new URL(url).pathname) || 'download'}`;
  const path = join(dir, name);
  if (await exists(path)) return { path, cached: true };
  await mkdir(dir, { recursive: true });
  let response;
  try {
    response = await globalThis.fetch(url);
  } catch (cause) {
    throw new ProvisionError(
      `Could not download ${url}: ${cause?.cause?.code ?? cause?.message ?? cause}. Check the URL and the network, or download the file yourself and pass its path to --libtensorflow.`,
      { step: 'source', url },
      { cause },
    );
  }
  if (!response.ok || !response.body) {
    throw new ProvisionError(
      `Downloading ${url} failed with HTTP ${response.status} ${response.statusText}. Check the URL, or download the file yourself and pass its path to --libtensorflow.`,
      { step: 'source', url, status: response.status },
    );
  }
  const total = Number(response.headers.get('content-length')) || undefined;
  const progress = reporter.progress('download', { total });
  let done = 0;
  const partial = `${path}.part-${process.pid}`;
  const count = new Transform({
    transform(chunk, _encoding, next) {
      done += chunk.length;
      progress.update(done);
      next(null, chunk);
    },
  });
  try {
    await pipeline(Readable.fromWeb(response.body), count, createWriteStream(partial));
  } catch (cause) {
    await rm(partial, { force: true });
    throw new ProvisionError(
      `Downloading ${url} broke off after ${formatBytes(done)}: ${cause?.message ?? cause}. Run provisioning again.`,
      { step: 'source', url },
      { cause },
    );
  }
  await rename(partial, path);
  progress.finish(`${formatBytes(done)} saved to ${path}`);
  return { path, cached: false };
}

function wheelPrefix(pkg, version) {
  return `${pkg.replace(/[-_.]+/g, '_').toLowerCase()}-${version}-`;
}

async function findCachedWheel(dir, pkg, version) {
  const prefix = wheelPrefix(pkg, version);
  const names = await readdir(dir).catch(() => []);
  const hit = names.find((n) => n.toLowerCase().startsWith(prefix) && n.endsWith('.whl'));
  return hit && join(dir, hit);
}

/** The platform tag pip is asked for: the libraries must match this machine, not Python's. */
function platformTag() {
  if (process.platform !== 'linux') {
    throw new ProvisionError(
      `Provisioning from a PyPI wheel supports Linux only (this is ${process.platform}). On this platform pass --libtensorflow a libtensorflow build for it.`,
      { step: 'source', platform: process.platform },
    );
  }
  if (process.arch === 'x64') return 'manylinux2014_x86_64';
  if (process.arch === 'arm64') return 'manylinux2014_aarch64';
  throw new ProvisionError(
    `No TensorFlow wheel exists for linux-${process.arch}. Pass --libtensorflow a libtensorflow build for this machine.`,
    { step: 'source', arch: process.arch },
  );
}

async function fetchWheel(source, { cacheDir, python, wheelPython, reporter, env }) {
  const dir = join(cacheDir, 'wheels');
  const cached = await findCachedWheel(dir, source.package, source.version);
  if (cached) return { path: cached, cached: true };
  const tag = platformTag();

  const pythonCommand = python || env.PYTHON || 'python3';
  const probe = await runCommand(pythonCommand, ['-m', 'pip', '--version'], { env });
  if (probe.error) {
    throw new ProvisionError(
      `"${pythonCommand}" was not found; it is needed to run pip, which downloads the ${source.package} wheel. Install Python 3 with pip (Debian: apt-get install python3-pip), pass --python <path>, or pass --libtensorflow with libraries you already have.`,
      { step: 'source', python: pythonCommand },
    );
  }
  if (probe.code !== 0) {
    throw new ProvisionError(
      `pip is missing for "${pythonCommand}" (${lastLines(probe.output, 2)}). Install it (Debian: apt-get install python3-pip), pass --python <a python with pip>, or pass --libtensorflow with libraries you already have.`,
      { step: 'source', python: pythonCommand },
    );
  }

  const incoming = join(dir, `.incoming-${process.pid}`);
  const scratch = join(incoming, 'tmp');
  await mkdir(scratch, { recursive: true });
  const abi = `cp${wheelPython.replace('.', '')}`;
  const args = [
    '-m',
    'pip',
    'download',
    '--no-deps',
    '--only-binary=:all:',
    '--progress-bar',
    'off',
    '--no-cache-dir',
    '--platform',
    tag,
    '--python-version',
    wheelPython,
    '--implementation',
    'cp',
    '--abi',
    abi,
    '-d',
    incoming,
    `${source.package}==${source.version}`,
  ];
  reporter.info(`${pythonCommand} ${args.join(' ')}`);

  // pip prints the wheel's size, then writes it under TMPDIR: watching that folder gives progress.
  let total;
  const progress = reporter.progress('download');
  const timer = setInterval(async () => {
    const done = await folderSize(scratch);
    progress.update(done, undefined, total);
  }, 500);
  const result = await runCommand(pythonCommand, args, {
    env: { ...env, TMPDIR: scratch, PIP_DISABLE_PIP_VERSION_CHECK: '1' },
    onLine(line) {
      const size = /\(([\d.]+)\s*(kB|MB|GB)\)/.exec(line);
      if (size) total = Number(size[1]) * { kB: 1e3, MB: 1e6, GB: 1e9 }[size[2]];
    },
  });
  clearInterval(timer);
  try {
    if (result.code !== 0) {
      throw new ProvisionError(
        `pip could not download ${source.package}==${source.version} for ${tag}, Python ${wheelPython}:\n${lastLines(result.output, 12)}\nCheck that this version exists on your package index (pip index versions ${source.package}), pick another with --tf-version (2.14 to 2.21), or pass --libtensorflow.`,
        { step: 'source', package: source.package, version: source.version },
      );
    }
    const wheel = (await readdir(incoming)).find((n) => n.endsWith('.whl'));
    if (!wheel)
      throw new ProvisionError(`pip finished but left no wheel in ${incoming}:\n${lastLines(result.output, 12)}`, {
        step: 'source',
      });
    const path = join(dir, wheel);
    await rename(join(incoming, wheel), path);
    progress.finish(`${wheel} (${formatBytes((await stat(path)).size)}) saved to ${dir}`);
    return { path, cached: false };
  } finally {
    await rm(incoming, { recursive: true, force: true });
  }
}

async function folderSize(dir) {
  let total = 0;
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  for (const e of entries) {
    if (!e.isFile()) continue;
    total += await stat(join(e.parentPath ?? e.path, e.name)).then(
      (s) => s.size,
      () => 0,
    );
  }
  return total;
}
