#!/usr/bin/env node
// The executable shim: runs the bundled CLI (npm run build, run by `prepare` on install).
import { main } from '../dist/bundle/main.js';

main(process.argv).then(
  (code) => { process.exitCode = code; },
  (err) => {
    process.stderr.write(`b12lint: internal error: ${err && err.message ? err.message : String(err)}\n`);
    if (process.argv.includes('--debug') && err && err.stack) process.stderr.write(`${err.stack}\n`);
    process.exitCode = 2;
  },
);
