#!/usr/bin/env node
// Regenerates the CLI reference section of docs/cli.md from the command definitions (built
// package), so the page and `kd --help` never disagree. test/docs-reference.test.ts fails when
// the page is stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { withReference } from '../dist/index.js';

const page = new URL('../../../docs/cli.md', import.meta.url);
const before = readFileSync(page, 'utf8');
const after = withReference(before);
writeFileSync(page, after);
console.log(before === after ? 'docs/cli.md is up to date' : 'docs/cli.md: reference regenerated');
