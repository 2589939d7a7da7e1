import process from 'node:process';
import { parseArgs } from 'node:util';
import { checkTfjsNode, describeInstall, provisionTfjsNode } from './index.mjs';
import { defaultCacheDir, DEFAULT_TF_PACKAGE, DEFAULT_TF_VERSION, DEFAULT_WHEEL_PYTHON } from './source.mjs';

const HELP = `Usage: kd-node <command> [options]

Commands:
  provision   make @tensorflow/tfjs-node load without Google storage (default)
  check       say whether @tensorflow/tfjs-node loads and computes; exit 1 if not

Options for provision:
  --libtensorflow <path|url>  libtensorflow to use: a folder (lib/ + include/, or a wheel's
                              tensorflow/ folder), a .tar.gz, a .whl, or an http(s) URL of one
                              (env KD_LIBTENSORFLOW). Default: the PyPI wheel below.
  --tf-version <x.y.z>        TensorFlow wheel version (env KD_TF_VERSION; default ${DEFAULT_TF_VERSION})
  --package <name>            PyPI project of the wheel (default ${DEFAULT_TF_PACKAGE})
  --wheel-python <x.y>        Python tag of the wheel to fetch (default ${DEFAULT_WHEEL_PYTHON}; any works)
  --python <cmd>              Python that runs pip (env PYTHON; default python3)
  --cache-dir <dir>           download cache (env KD_CACHE_DIR; default ${defaultCacheDir()})
  --nodedir <dir>             prefix holding include/node (env npm_config_nodedir)
  --project <dir>             project whose node_modules to provision (default: current folder)
  --force                     restage and rebuild even if tfjs-node already works
  --quiet                     print only the result
  -h, --help                  this text
`;

/**
 * Runs `kd-node` with `argv` (without the node and script paths). Returns the exit code; prints
 * errors as their message (with the stack when KD_DEBUG is set).
 */
export async function runCli(argv, env = process.env) {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        libtensorflow: { type: 'string' },
        'tf-version': { type: 'string' },
        package: { type: 'string' },
        'wheel-python': { type: 'string' },
        python: { type: 'string' },
        'cache-dir': { type: 'string' },
        nodedir: { type: 'string' },
        project: { type: 'string' },
        force: { type: 'boolean' },
        quiet: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    process.stderr.write(`${error.message}\n\n${HELP}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const command = positionals[0] ?? 'provision';
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  try {
    if (command === 'check') {
      const install = await describeInstall(values.project);
      const result = await checkTfjsNode(install.dir, { full: true, env });
      process.stdout.write(
        `@tensorflow/tfjs-node ${install.version} at ${install.dir}\naddon ${install.addonPath} ${install.addonExists ? 'exists' : 'is missing'}\n`,
      );
      if (install.staged)
        process.stdout.write(
          `deps/ staged by kd-node provision: TensorFlow ${install.staged.version} from ${install.staged.file}\n`,
        );
      if (result.ok) {
        process.stdout.write(`loads and computes on backend "${result.backend}", TensorFlow ${result.tfVersion}\n`);
        return 0;
      }
      process.stdout.write(`does not work (${result.stage}): ${result.error}\nRun: npx kd-node provision\n`);
      return 1;
    }
    if (command !== 'provision') {
      process.stderr.write(`Unknown command "${command}".\n\n${HELP}`);
      return 2;
    }
    await provisionTfjsNode({
      libtensorflow: values.libtensorflow ?? env.KD_LIBTENSORFLOW,
      tfVersion: values['tf-version'] ?? env.KD_TF_VERSION,
      tfPackage: values.package,
      wheelPython: values['wheel-python'],
      python: values.python,
      cacheDir: values['cache-dir'],
      nodedir: values.nodedir,
      projectDir: values.project,
      force: values.force,
      quiet: values.quiet,
      env,
    });
    return 0;
  } catch (error) {
    const code = error?.code ? `${error.code}: ` : '';
    process.stderr.write(
      `\nkd-node ${command} failed. ${code}${env.KD_DEBUG ? error?.stack : (error?.message ?? error)}\n`,
    );
    return 1;
  }
}
