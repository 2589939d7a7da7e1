#!/usr/bin/env node
// Provisions the native addon of @tensorflow/tfjs-node offline. Plain JavaScript with no build
// step, so it runs on a fresh clone before any package is built: `node packages/node/scripts/provision.mjs`.
import process from 'node:process';
import { runCli } from './provision/cli.mjs';

const args = process.argv.slice(2);
process.exitCode = await runCli(args[0] === 'provision' || args[0] === 'check' ? args : ['provision', ...args]);
