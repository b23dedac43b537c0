#!/usr/bin/env node
// The executable shim: runs the bundled CLI (npm run build, run by `prepare` on install), loaded
// with its code cache (bin/load.js).
import { loadCli } from './load.js';

let cli;
try {
  cli = loadCli().cli;
} catch (err) {
  // No built bundle (a checkout where `npm run build` has not run): b12lint itself failed, exit 2.
  process.stderr.write(`b12lint: cannot load the CLI (run npm run build): ${err && err.message ? err.message : String(err)}\n`);
  process.exitCode = 2;
}
cli?.main(process.argv).then(
  // A failure writing standard output may already have set 2 (src/cli/main.ts).
  (code) => {
    process.exitCode = Math.max(code, Number(process.exitCode ?? 0));
  },
  (err) => {
    process.stderr.write(`b12lint: internal error: ${err && err.message ? err.message : String(err)}\n`);
    if (process.argv.includes('--debug') && err && err.stack) process.stderr.write(`${err.stack}\n`);
    process.exitCode = 2;
  },
);
