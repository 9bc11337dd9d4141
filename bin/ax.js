#!/usr/bin/env -S node --
// `--` ends node's own options: Node 20 would otherwise take `ax api-keys create --env-file PATH` as its --env-file.
// CommonJS (bin/package.json): on Node 20 an ES module entry point costs ~20 ms more at every start (bench row B9).
// The bundle (scripts/bundle-cli.js, part of `npm run build`) runs unless tsc rebuilt dist/ after it (then it is stale
// and tsc's per-file output runs instead).
const { statSync } = require('node:fs');
const { join } = require('node:path');

const mtime = (file) => statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? -1;
const bundle = join(__dirname, '../dist/cli/main.cjs');
if (mtime(bundle) >= mtime(join(__dirname, '../dist/cli/main.js'))) require(bundle);
else import('../dist/cli/main.js');
