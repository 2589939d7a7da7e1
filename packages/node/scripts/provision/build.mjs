import { readFileSync } from 'node:fs';
import { availableParallelism, homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import process from 'node:process';
import { createRequire } from 'node:module';
import { clearInterval, setInterval } from 'node:timers';
import { lastLines, ProvisionError } from './errors.mjs';
import { exists, runCommand, which } from './run.mjs';

/**
 * Finds what compiling the addon needs — a C++ compiler, make, Python 3 (gyp runs on it), Node's
 * headers and node-gyp — and names every missing piece at once.
 */
export async function findToolchain({ tfjsNodeDir, projectDir, nodedir, env = process.env }) {
  const missing = [];
  const cxx = (await which(env.CXX || 'g++', env)) ?? (env.CXX ? undefined : await which('c++', env));
  if (!cxx)
    missing.push(
      `a C++ compiler (${env.CXX ? `CXX=${env.CXX} was not found` : 'g++ or c++ on PATH'}; Debian: apt-get install g++)`,
    );
  const make = await which(env.MAKE || 'make', env);
  if (!make) missing.push('make (Debian: apt-get install make)');
  const python = await which(env.npm_config_python || env.PYTHON || 'python3', env);
  if (!python) missing.push('python3, which node-gyp runs (Debian: apt-get install python3), or set PYTHON');

  const headers = await findNodeHeaders(nodedir ?? env.npm_config_nodedir, env);
  if (!headers) {
    missing.push(
      `the headers of Node ${process.version} (node_api.h). Install your distribution's Node development package (Debian: apt-get install libnode-dev), use a Node from nodejs.org (it ships include/node), or pass --nodedir <prefix holding include/node>`,
    );
  }
  const nodeGyp = findNodeGyp([projectDir, tfjsNodeDir], env);
  if (!nodeGyp) missing.push('node-gyp (npm install --save-dev node-gyp, or a global npm that bundles it)');

  if (missing.length > 0) {
    throw new ProvisionError(`Cannot compile the tfjs-node addon; missing:\n  - ${missing.join('\n  - ')}`, {
      step: 'toolchain',
      missing,
    });
  }
  const cxxVersion = (await runCommand(cxx, ['--version'])).output.split('\n')[0]?.trim();
  return { cxx, cxxVersion, make, python, nodeGyp, ...headers };
}

/** `{ nodedir }` to pass to node-gyp, `{ nodedir: undefined }` when node-gyp's own cache already has them. */
async function findNodeHeaders(explicit, env) {
  if (explicit)
    return (await exists(join(explicit, 'include/node/node_api.h')))
      ? { nodedir: resolve(explicit), headersAt: join(resolve(explicit), 'include/node') }
      : undefined;
  const prefix = resolve(dirname(process.execPath), '..');
  if (await exists(join(prefix, 'include/node/node_api.h')))
    return { nodedir: prefix, headersAt: join(prefix, 'include/node') };
  const devdir = env.npm_config_devdir || join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'node-gyp');
  const cached = join(devdir, process.versions.node);
  if (await exists(join(cached, 'include/node/node_api.h')))
    return { nodedir: undefined, headersAt: join(cached, 'include/node') };
  return undefined;
}

function findNodeGyp(fromDirs, env) {
  if (env.npm_config_node_gyp) return env.npm_config_node_gyp;
  for (const dir of fromDirs) {
    try {
      return createRequire(join(dir, 'package.json')).resolve('node-gyp/bin/node-gyp.js');
    } catch {
      // try the next place
    }
  }
  const bundled = join(dirname(process.execPath), '..', 'lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js');
  try {
    readFileSync(bundled);
    return bundled;
  } catch {
    return undefined;
  }
}

/**
 * Where tfjs-node will look for its addon, asked of node-pre-gyp (what tfjs-node itself calls),
 * and the N-API version that path encodes.
 */
export function addonLocation(tfjsNodeDir) {
  const pkgPath = join(tfjsNodeDir, 'package.json');
  let addonPath;
  try {
    addonPath = createRequire(pkgPath)('@mapbox/node-pre-gyp').find(pkgPath);
  } catch {
    const binary = JSON.parse(readFileSync(pkgPath, 'utf8')).binary;
    const napi = Math.max(...binary.napi_versions.filter((v) => v <= Number(process.versions.napi)));
    addonPath = join(
      tfjsNodeDir,
      binary.module_path.replace('{napi_build_version}', String(napi)),
      `${binary.module_name}.node`,
    );
  }
  const napi = /napi-v(\d+)/.exec(addonPath)?.[1];
  if (!napi)
    throw new ProvisionError(`Cannot tell the N-API version from the addon path ${addonPath}.`, {
      step: 'compile',
      addonPath,
    });
  return { addonPath, napi: Number(napi) };
}

/**
 * Compiles `tfjs_binding.node` with node-gyp against the staged `deps/`. This is what
 * `node-pre-gyp install --build-from-source` does, called directly so the compiler's output
 * reaches the user.
 */
export async function buildAddon({ tfjsNodeDir, toolchain, reporter, env = process.env }) {
  const { addonPath, napi } = addonLocation(tfjsNodeDir);
  const args = [
    toolchain.nodeGyp,
    'rebuild',
    `--jobs=${Math.max(1, availableParallelism())}`,
    ...(toolchain.nodedir ? [`--nodedir=${toolchain.nodedir}`] : []),
    '--module_name=tfjs_binding',
    `--module_path=${dirname(addonPath)}`,
    `--napi_build_version=${napi}`,
  ];
  reporter.info(`node-gyp rebuild (N-API ${napi}, headers ${toolchain.headersAt}, ${toolchain.cxxVersion})`);
  const progress = reporter.progress('compile', { unit: 'steps' });
  let note = 'configuring';
  let compiled = 0;
  const timer = setInterval(() => progress.update(compiled, note), 1000);
  const result = await runCommand(process.execPath, args, {
    cwd: tfjsNodeDir,
    env: { ...env, PYTHON: toolchain.python, CXX: toolchain.cxx, npm_config_python: toolchain.python },
    onLine(line) {
      const cxx = /CXX\(target\) .*\/([^/]+)\.o$/.exec(line);
      if (cxx) {
        compiled += 1;
        note = `compiling ${cxx[1]}.cc`;
      } else if (/SOLINK_MODULE/.test(line)) note = 'linking';
    },
  });
  clearInterval(timer);
  if (result.error || result.code !== 0) {
    // node-gyp's own chatter (info lines, its stack trace) would push the compiler's lines out.
    const compilerLines = result.output
      .split('\n')
      .filter((l) => !/^gyp (info|verb|http)|^gyp ERR! (stack|System|command|cwd|node -v|node-gyp -v|not ok)/.test(l))
      .join('\n');
    throw new ProvisionError(
      `Compiling the tfjs-node addon failed (node-gyp exit ${result.code ?? result.error?.message}). The last lines of the build:\n${lastLines(compilerLines, 25)}`,
      { step: 'compile', exitCode: result.code },
    );
  }
  if (!(await exists(addonPath))) {
    throw new ProvisionError(
      `node-gyp reported success but ${addonPath} does not exist. The last lines of the build:\n${lastLines(result.output, 15)}`,
      { step: 'compile', addonPath },
    );
  }
  progress.finish(`built ${addonPath}`);
  return { addonPath, napi };
}
