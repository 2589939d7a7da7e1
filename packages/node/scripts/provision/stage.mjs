import { cp, lstat, mkdir, readdir, readFile, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import process from 'node:process';
import { clearInterval, setInterval } from 'node:timers';
import { lastLines, ProvisionError } from './errors.mjs';
import { formatBytes } from './progress.mjs';
import { exists, runCommand } from './run.mjs';
import { extractZipEntries, listZip } from './zip.mjs';

/** The file `deps/` gets so a rerun can tell what it holds. */
export const MARKER = 'kd-provision.json';

/**
 * Header folders the addon's sources reach (c_api.h and what it includes). TensorFlow moved
 * `tsl` under `xla/` over time; both places are kept.
 */
const HEADER_PREFIXES = ['tensorflow/c/', 'tensorflow/core/platform/', 'tensorflow/tsl/', 'tsl/', 'xla/tsl/'];
const REQUIRED_HEADERS = ['tensorflow/c/c_api.h', 'tensorflow/c/eager/c_api.h'];
const WHEEL_LIBRARIES = ['tensorflow/libtensorflow_cc.so.2', 'tensorflow/libtensorflow_framework.so.2'];

/** What `deps/` of tfjs-node holds now, from its marker (undefined when provisioning did not write it). */
export async function readStagedMarker(tfjsNodeDir) {
  try {
    return JSON.parse(await readFile(join(tfjsNodeDir, 'deps', MARKER), 'utf8'));
  } catch {
    return undefined;
  }
}

/** Whether `deps/` holds what the build needs (both libraries and the C API headers). */
export async function depsComplete(tfjsNodeDir) {
  const deps = join(tfjsNodeDir, 'deps');
  const needed = [
    'lib/libtensorflow.so',
    'lib/libtensorflow_framework.so',
    ...REQUIRED_HEADERS.map((h) => `include/${h}`),
  ];
  for (const file of needed) if (!(await exists(join(deps, file)))) return false;
  return true;
}

/**
 * Fills `node_modules/@tensorflow/tfjs-node/deps/{lib,include}` from an acquired source. Works in a
 * staging folder and swaps it in with renames, so an interrupted run never leaves a half-filled
 * `deps/` behind.
 */
export async function stageDeps({ tfjsNodeDir, acquired, source, reporter }) {
  await removeLeftovers(tfjsNodeDir);
  const staging = join(tfjsNodeDir, `deps.kd-staging-${process.pid}`);
  await mkdir(join(staging, 'lib'), { recursive: true });
  await mkdir(join(staging, 'include'), { recursive: true });
  try {
    if (acquired.format === 'wheel') await stageFromWheel(acquired.file, staging, reporter);
    else if (acquired.format === 'tarball')
      await stageFromDirectory(await untar(acquired.file, staging, reporter), staging, reporter, { move: true });
    else await stageFromDirectory(acquired.file, staging, reporter);

    for (const header of REQUIRED_HEADERS) {
      if (!(await exists(join(staging, 'include', header)))) {
        throw new ProvisionError(
          `The libtensorflow source ${acquired.file} has no ${header}. Use a TensorFlow wheel from 2.14 to 2.21 or a libtensorflow archive with include/.`,
          { step: 'unpack', missing: header },
        );
      }
    }
    const links = await linkLibraries(join(staging, 'lib'));
    const shims = await addHeaderShims(join(staging, 'include'));
    await rm(join(staging, 'unpacked'), { recursive: true, force: true });
    await writeFile(
      join(staging, MARKER),
      `${JSON.stringify({ source, file: acquired.file, version: acquired.version ?? 'unknown', stagedAt: new Date().toISOString() }, null, 2)}\n`,
    );

    const deps = join(tfjsNodeDir, 'deps');
    const old = join(tfjsNodeDir, `deps.kd-old-${process.pid}`);
    if (await exists(deps)) await rename(deps, old);
    await rename(staging, deps);
    await rm(old, { recursive: true, force: true });
    return { links, shims };
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
}

async function removeLeftovers(tfjsNodeDir) {
  for (const name of await readdir(tfjsNodeDir)) {
    if (/^deps\.kd-(staging|old)-\d+$/.test(name)) await rm(join(tfjsNodeDir, name), { recursive: true, force: true });
  }
}

async function stageFromWheel(file, staging, reporter) {
  const entries = await listZip(file);
  const libraries = WHEEL_LIBRARIES.map((name) => entries.find((e) => e.name === name));
  const missing = WHEEL_LIBRARIES.filter((_, i) => !libraries[i]);
  if (missing.length > 0) {
    throw new ProvisionError(
      `The wheel ${file} has no ${missing.join(' or ')}. TensorFlow wheels before 2.14 do not carry the C library; use tensorflow-cpu 2.14 to 2.21 (--tf-version).`,
      { step: 'unpack', file, missing },
    );
  }
  const headers = entries.filter((e) => {
    if (!e.name.startsWith('tensorflow/include/') || e.name.endsWith('/')) return false;
    const rel = e.name.slice('tensorflow/include/'.length);
    return HEADER_PREFIXES.some((p) => rel.startsWith(p));
  });
  const chosen = [...libraries, ...headers];
  const total = chosen.reduce((sum, e) => sum + e.size, 0);
  const progress = reporter.progress('unzip', { total });
  let done = 0;
  await extractZipEntries(
    file,
    chosen,
    (name) =>
      name.startsWith('tensorflow/include/')
        ? join(staging, 'include', name.slice('tensorflow/include/'.length))
        : join(staging, 'lib', name.slice('tensorflow/'.length)),
    (n) => {
      done += n;
      progress.update(done);
    },
  );
  progress.finish(`2 libraries and ${headers.length} headers, ${formatBytes(total)}`);
}

async function untar(file, staging, reporter) {
  const dest = join(staging, 'unpacked');
  await mkdir(dest, { recursive: true });
  const progress = reporter.progress('untar', { unit: 'steps' });
  const timer = setInterval(() => progress.update(0), 1000);
  const result = await runCommand('tar', ['-xzf', file, '-C', dest]);
  clearInterval(timer);
  if (result.error)
    throw new ProvisionError(
      'The `tar` command was not found; it is needed to unpack .tar.gz archives. Install tar, or unpack the archive yourself and pass the folder to --libtensorflow.',
      { step: 'unpack' },
    );
  if (result.code !== 0)
    throw new ProvisionError(`tar could not unpack ${file}:\n${lastLines(result.output, 8)}`, { step: 'unpack', file });
  progress.finish(`unpacked ${file}`);
  return dest;
}

/**
 * Accepts the three layouts libtensorflow comes in: upstream archives (`lib/` + `include/`), a
 * TensorFlow Python package folder (`libtensorflow_cc.so.2` + `include/`), or an unzipped wheel
 * (the same under `tensorflow/`).
 */
async function stageFromDirectory(dir, staging, reporter, { move = false } = {}) {
  if (await exists(join(dir, 'tensorflow', 'libtensorflow_cc.so.2')))
    return stageFromDirectory(join(dir, 'tensorflow'), staging, reporter, { move });
  const progress = reporter.progress(move ? 'move' : 'copy', { unit: 'steps' });
  // What this run unpacked itself is moved (a rename), what the user owns is copied.
  const transfer = async (from, to, options = {}) => {
    if (!move) return cp(from, to, options);
    await rm(to, { recursive: true, force: true });
    return rename(from, to);
  };
  if (await exists(join(dir, 'libtensorflow_cc.so.2'))) {
    for (const lib of ['libtensorflow_cc.so.2', 'libtensorflow_framework.so.2']) {
      if (!(await exists(join(dir, lib))))
        throw new ProvisionError(`${dir} has libtensorflow_cc.so.2 but no ${lib}; both libraries are needed.`, {
          step: 'unpack',
          missing: lib,
        });
      await transfer(join(dir, lib), join(staging, 'lib', lib));
    }
    for (const prefix of HEADER_PREFIXES) {
      const from = join(dir, 'include', prefix);
      if (!(await exists(from))) continue;
      await mkdir(join(staging, 'include', prefix, '..'), { recursive: true });
      await transfer(from, join(staging, 'include', prefix), { recursive: true });
    }
  } else if (await exists(join(dir, 'lib'))) {
    const libs = (await readdir(join(dir, 'lib'))).filter((n) => n.startsWith('libtensorflow'));
    if (libs.length === 0)
      throw new ProvisionError(`${join(dir, 'lib')} holds no libtensorflow* library.`, { step: 'unpack', dir });
    for (const lib of libs)
      await transfer(join(dir, 'lib', lib), join(staging, 'lib', lib), { verbatimSymlinks: true });
    await transfer(join(dir, 'include'), join(staging, 'include'), { recursive: true, verbatimSymlinks: true }).catch(
      (cause) => {
        throw new ProvisionError(
          `${dir} has lib/ but no readable include/ folder with the TensorFlow C headers.`,
          { step: 'unpack', dir },
          { cause },
        );
      },
    );
  } else {
    throw new ProvisionError(
      `${dir} does not look like libtensorflow: expected lib/ and include/ (an upstream archive), or libtensorflow_cc.so.2 with include/ (a TensorFlow wheel's tensorflow/ folder).`,
      { step: 'unpack', dir },
    );
  }
  progress.finish(`${move ? 'moved' : 'copied'} from ${dir}`);
}

/**
 * binding.gyp links `-ltensorflow -ltensorflow_framework`, and tfjs-node's install script looks
 * for `libtensorflow.so.2.9.1`: give the libraries those names as symlinks.
 */
async function linkLibraries(libDir) {
  const names = await readdir(libDir);
  const pick = (candidates, pattern) => candidates.find((n) => names.includes(n)) ?? names.find((n) => pattern.test(n));
  const main = pick(['libtensorflow_cc.so.2', 'libtensorflow.so.2'], /^libtensorflow\.so\.2\.\d+\.\d+$/);
  const framework = pick(['libtensorflow_framework.so.2'], /^libtensorflow_framework\.so\.2\.\d+\.\d+$/);
  if (!main || !framework) {
    throw new ProvisionError(
      `The staged libraries are incomplete (found: ${names.join(', ') || 'nothing'}); both libtensorflow(_cc) and libtensorflow_framework are needed.`,
      { step: 'unpack', found: names },
    );
  }
  const made = [];
  const wants = [
    ['libtensorflow.so', main],
    ['libtensorflow.so.2', main],
    ['libtensorflow.so.2.9.1', main],
    ['libtensorflow_framework.so', framework],
    ['libtensorflow_framework.so.2', framework],
  ];
  for (const [name, target] of wants) {
    if (name === target || (await lstat(join(libDir, name)).catch(() => undefined))) continue;
    await symlink(target, join(libDir, name));
    made.push(`${name} -> ${target}`);
  }
  return made;
}

/**
 * tfjs-node includes `tensorflow/core/platform/ctstring*.h`; newer TensorFlow keeps those only
 * under `tsl/` (or `xla/tsl/`). A one-line forwarding header restores the old path.
 */
async function addHeaderShims(includeDir) {
  const made = [];
  for (const header of ['ctstring.h', 'ctstring_internal.h']) {
    const wanted = join(includeDir, 'tensorflow/core/platform', header);
    if (await exists(wanted)) continue;
    const moved = ['tsl/platform', 'xla/tsl/platform'].map((d) => `${d}/${header}`);
    const found = [];
    for (const m of moved) if (await exists(join(includeDir, m))) found.push(m);
    if (found.length === 0) continue;
    await mkdir(join(includeDir, 'tensorflow/core/platform'), { recursive: true });
    await writeFile(
      wanted,
      `// Forwarding header added by kd-node provision: this TensorFlow keeps it at ${found[0]}.\n#include "${found[0]}"\n`,
    );
    made.push(`${relative(includeDir, wanted)} -> ${found[0]}`);
  }
  return made;
}
