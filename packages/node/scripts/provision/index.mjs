import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import process from 'node:process';
import { addonLocation, buildAddon, findToolchain } from './build.mjs';
import { ProvisionError } from './errors.mjs';
import { createReporter } from './progress.mjs';
import { acquireSource, defaultCacheDir, describeSource } from './source.mjs';
import { depsComplete, readStagedMarker, stageDeps } from './stage.mjs';
import { checkTfjsNode, inspectBinaries } from './verify.mjs';
import { exists } from './run.mjs';

export { ProvisionError } from './errors.mjs';
export { checkTfjsNode } from './verify.mjs';
export { defaultCacheDir, DEFAULT_TF_PACKAGE, DEFAULT_TF_VERSION, DEFAULT_WHEEL_PYTHON } from './source.mjs';

/** The folder of the `@tensorflow/tfjs-node` package `projectDir` resolves, and its version. */
export function locateTfjsNode(projectDir = process.cwd()) {
  let pkgPath;
  try {
    pkgPath = createRequire(join(resolve(projectDir), 'package.json')).resolve('@tensorflow/tfjs-node/package.json');
  } catch {
    throw new ProvisionError(
      `@tensorflow/tfjs-node is not installed where ${resolve(projectDir)} can require it. Install it first; its own download fails offline, so skip its install script: npm install @tensorflow/tfjs-node@4.22.0 --ignore-scripts`,
      { step: 'check', projectDir },
    );
  }
  return { dir: dirname(pkgPath), version: JSON.parse(readFileSync(pkgPath, 'utf8')).version };
}

/**
 * Makes `@tensorflow/tfjs-node` load and compute without Google storage: takes libtensorflow from
 * a path, a URL or a PyPI TensorFlow wheel, stages it into the package's `deps/`, compiles the
 * addon with node-gyp and checks real numbers in a child process. Does nothing when tfjs-node
 * already works (unless `force`). Safe to rerun: cached downloads and staged libraries are reused.
 *
 * @example
 * ```js
 * import { provisionTfjsNode } from './scripts/provision/index.mjs';
 * const r = await provisionTfjsNode({ tfVersion: '2.18.1' });
 * console.log(r.status, r.tfVersion); // 'provisioned' '2.18.1'
 * ```
 */
export async function provisionTfjsNode(options = {}) {
  const env = options.env ?? process.env;
  const projectDir = resolve(options.projectDir ?? process.cwd());
  const reporter = options.reporter ?? createReporter({ quiet: options.quiet, stream: options.stream });
  const timings = {};
  const timed = async (name, fn) => {
    const t0 = reporter.elapsed();
    try {
      return await fn();
    } finally {
      timings[name] = Number((reporter.elapsed() - t0).toFixed(1));
    }
  };

  const tfjsNode = locateTfjsNode(projectDir);
  reporter.step('check', `@tensorflow/tfjs-node ${tfjsNode.version} at ${tfjsNode.dir}`);
  const before = await timed('check', () => checkTfjsNode(tfjsNode.dir, { env }));
  if (before.ok && !options.force) {
    reporter.info(
      `it loads and computes on backend "${before.backend}" (TensorFlow ${before.tfVersion}); nothing to do`,
    );
    return { status: 'already-working', tfVersion: before.tfVersion, tfjsNodeDir: tfjsNode.dir, timings };
  }
  reporter.info(
    before.ok ? 'it loads; rebuilding because --force was given' : `it does not load yet: ${firstLine(before.error)}`,
  );

  const source = describeSource({
    libtensorflow: options.libtensorflow,
    tfVersion: options.tfVersion,
    tfPackage: options.tfPackage,
    cwd: projectDir,
  });
  const marker = await readStagedMarker(tfjsNode.dir);
  const keep =
    !options.force &&
    marker &&
    JSON.stringify(marker.source) === JSON.stringify(source) &&
    (await depsComplete(tfjsNode.dir));
  const cacheDir = resolve(options.cacheDir ?? defaultCacheDir(env));
  let stagedVersion = marker?.version;
  if (keep) {
    reporter.step('source', `deps/ already holds TensorFlow ${marker.version} from ${sourceText(source)}; kept`);
    reporter.step('unpack', 'skipped');
  } else {
    reporter.step('source', sourceText(source));
    const acquired = await timed('download', () =>
      acquireSource(source, { cacheDir, python: options.python, wheelPython: options.wheelPython, reporter, env }),
    );
    reporter.info(`${acquired.note}: ${acquired.file}`);
    reporter.step('unpack', `into ${join(tfjsNode.dir, 'deps')}`);
    const staged = await timed('unpack', () => stageDeps({ tfjsNodeDir: tfjsNode.dir, acquired, source, reporter }));
    for (const link of staged.links) reporter.info(`symlink ${link}`);
    for (const shim of staged.shims) reporter.info(`header shim ${shim}`);
    stagedVersion = acquired.version;
  }

  reporter.step('toolchain', 'looking for a C++ compiler, make, python3, Node headers and node-gyp');
  const toolchain = await findToolchain({ tfjsNodeDir: tfjsNode.dir, projectDir, nodedir: options.nodedir, env });
  reporter.info(`${toolchain.cxxVersion}; make ${toolchain.make}; python ${toolchain.python}`);
  reporter.info(`Node headers ${toolchain.headersAt}; node-gyp ${toolchain.nodeGyp}`);

  reporter.step('compile', `tfjs_binding.node for Node ${process.version}`);
  const { addonPath } = await timed('compile', () =>
    buildAddon({ tfjsNodeDir: tfjsNode.dir, toolchain, reporter, env }),
  );

  reporter.step('verify', 'loading in a child process: matMul, gradient, a small model fit');
  const after = await timed('verify', () => checkTfjsNode(tfjsNode.dir, { full: true, env }));
  const binaries = await inspectBinaries({ tfjsNodeDir: tfjsNode.dir, addonPath });
  reportBinaries(reporter, binaries);
  if (!after.ok) {
    throw new ProvisionError(
      `The addon was built but tfjs-node still fails (${after.stage ?? 'check'}): ${after.error}. TensorFlow ${stagedVersion ?? ''} may not match what tfjs-node ${tfjsNode.version} expects; try another --tf-version (2.18.1 is the tested one).`,
      { step: 'verify', result: after },
    );
  }
  reporter.info(`backend "${after.backend}", TensorFlow ${after.tfVersion}, tfjs-node ${after.tfjsVersion}`);
  reporter.info(
    `matMul [[1,2],[3,4]]x[[5,6],[7,8]] = ${JSON.stringify(after.matMul)}; d/dx sum(x^3) at [1,2,-3] = ${JSON.stringify(after.gradient)}`,
  );
  reporter.info(`fit: loss ${after.fit.first.toFixed(4)} -> ${after.fit.last.toFixed(4)}`);
  reporter.always(`tfjs-node is ready (TensorFlow ${after.tfVersion}) in ${reporter.elapsed().toFixed(1)}s`);
  return {
    status: 'provisioned',
    tfVersion: after.tfVersion,
    tfjsNodeDir: tfjsNode.dir,
    addonPath,
    binaries,
    timings,
    check: after,
  };
}

/** The installed addon's location and whether it exists, for `kd-node check`. */
export async function describeInstall(projectDir = process.cwd()) {
  const tfjsNode = locateTfjsNode(projectDir);
  const { addonPath } = addonLocation(tfjsNode.dir);
  return { ...tfjsNode, addonPath, addonExists: await exists(addonPath), staged: await readStagedMarker(tfjsNode.dir) };
}

function reportBinaries(reporter, binaries) {
  if (binaries.skipped) {
    reporter.info(`binary inspection skipped: ${binaries.skipped}`);
    return;
  }
  reporter.info(`addon NEEDED: ${binaries.needed.join(', ')}; RUNPATH ${binaries.runpath ?? '(none)'}`);
  for (const [lib, symbols] of Object.entries(binaries.pythonSymbols)) {
    reporter.info(
      `${lib}: ${symbols.length === 0 ? 'no undefined Python symbols' : `${symbols.length} undefined Python symbols, e.g. ${symbols.slice(0, 3).join(', ')}`}`,
    );
  }
}

function sourceText(source) {
  if (source.kind === 'pypi') return `PyPI wheel ${source.package}==${source.version}`;
  if (source.kind === 'url') return source.url;
  return source.path;
}

function firstLine(text = '') {
  return String(text).split('\n')[0];
}
