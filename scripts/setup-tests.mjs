#!/usr/bin/env node
// `npm test`'s set-up (run as the root `pretest` script): makes sure what the tests need is here,
// installing it when that is possible, or stops at once with one line saying what to install.
//   - Chromium, for the browser runtimes (Debian's `chromium`; never a downloaded browser),
//   - the Fashion-MNIST IDX files, for the demo data check (Debian's `dataset-fashion-mnist`),
//   - the native tfjs-node addon, built offline from the tensorflow-cpu wheel (cached, idempotent).
// Plain JavaScript with no build step: it runs on a fresh clone before anything is built.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';

const root = join(import.meta.dirname, '..');

const needs = [
  {
    what: 'Chromium (browser runtimes)',
    found: () => existsSync(process.env.KD_CHROMIUM ?? '/usr/bin/chromium'),
    debian: 'chromium',
    otherwise: 'install Debian\'s "chromium" package or set KD_CHROMIUM to a Chromium executable',
  },
  {
    what: 'Fashion-MNIST (demo data check)',
    found: () =>
      existsSync(
        join(process.env.FASHION_MNIST_DIR ?? '/usr/share/datasets/fashion-mnist', 'train-images-idx3-ubyte.gz'),
      ),
    debian: 'dataset-fashion-mnist',
    otherwise:
      'install Debian\'s "dataset-fashion-mnist" package or set FASHION_MNIST_DIR to a folder with the four IDX files',
  },
];

function fail(line) {
  process.stderr.write(`npm test set-up: ${line}\n`);
  process.exit(1);
}

function run(cmd, args, env = process.env) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', env });
  return r.status === 0;
}

const missing = needs.filter((n) => !n.found());
if (missing.length > 0) {
  const canApt = process.platform === 'linux' && process.getuid?.() === 0 && existsSync('/usr/bin/apt-get');
  if (!canApt)
    fail(`missing ${missing.map((n) => n.what).join(' and ')}: ${missing.map((n) => n.otherwise).join('; ')}.`);
  const pkgs = missing.map((n) => n.debian);
  process.stdout.write(`npm test set-up: installing ${pkgs.join(', ')} with apt-get\n`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const ok =
    run('apt-get', ['update', '-q'], env) &&
    run('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...pkgs], env);
  const still = needs.filter((n) => !n.found());
  if (!ok || still.length > 0)
    fail(`apt-get could not install ${pkgs.join(', ')}: ${still.map((n) => n.otherwise).join('; ')}.`);
}

// The native addon: a no-op when tfjs-node already loads and computes.
if (!run(process.execPath, [join(root, 'packages/node/scripts/provision.mjs'), '--quiet'])) {
  fail(
    'could not provision the native tfjs-node addon (see the lines above); run `node packages/node/scripts/provision.mjs` to retry with full output.',
  );
}
