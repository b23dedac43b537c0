/**
 * Bundles the compiled CLI (dist/cli/main.js) and its worker (dist/run/worker.js) into
 * dist/bundle/, run by `npm run build` after tsc. Start-up is mostly module loading: unbundled,
 * a run opens and compiles some 200 files (b12lint's own modules, commander, chalk, yaml,
 * fast-glob and its dependencies); bundled, a handful. Code loaded on demand (`import()`, such
 * as fast-glob, needed only for folders and globs) stays in a chunk of its own. The unbundled dist/ stays the source of the
 * bundle and of the scripts that import b12lint's modules (scripts/generate.mjs).
 *
 * Paths the code finds at run time from its own place (the package root, the compiled schema
 * validators) are computed from a module one folder below dist/, which dist/bundle/ also is.
 * The worker is found as `./worker.js` beside the module that starts it, in dist/run/ and
 * dist/bundle/ alike.
 *
 * First, the HTML report's script: src/report/html/client/ (ordinary modules, for the browser)
 * bundled into one script, written as the string CLIENT_SCRIPT of dist/report/html/client-script.js,
 * which dist/report/html.js imports and embeds in the page (and so the CLI bundle inlines).
 */
import { build } from 'esbuild';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, 'dist', 'bundle');

const client = await build({
  absWorkingDir: ROOT,
  entryPoints: ['src/report/html/client/main.ts'],
  bundle: true,
  write: false,
  format: 'iife',
  platform: 'browser',
  target: 'es2020',
  charset: 'utf8',
  legalComments: 'none',
  logLevel: 'warning',
});
const script = client.outputFiles[0].text;
// The script is embedded in a <script> element: nothing in it may close that element.
if (/<\/script|<!--/i.test(script)) throw new Error('the HTML report script contains </script or <!--: it cannot be embedded');
const CLIENT_DIR = join(ROOT, 'dist', 'report', 'html');
mkdirSync(CLIENT_DIR, { recursive: true });
writeFileSync(
  join(CLIENT_DIR, 'client-script.js'),
  `// Built by scripts/bundle.mjs from src/report/html/client/.\nexport const CLIENT_SCRIPT = ${JSON.stringify(script)};\n`,
);
writeFileSync(join(CLIENT_DIR, 'client-script.d.ts'), 'export declare const CLIENT_SCRIPT: string;\n');

rmSync(OUT, { recursive: true, force: true });
await build({
  absWorkingDir: ROOT,
  entryPoints: ['dist/cli/main.js', 'dist/run/worker.js', 'dist/run/reader.js'],
  outdir: OUT,
  entryNames: '[name]',
  chunkNames: 'chunk-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // CommonJS dependencies (commander, yaml, fast-glob) call require(); an ES module has none.
  banner: { js: "import { createRequire as __b12lintRequire } from 'node:module'; const require = __b12lintRequire(import.meta.url);" },
  // Ajv (its compiler, used only when the built validators are missing) and the compiled
  // validators are required by path at run time: left out of the bundle.
  external: ['ajv', 'ajv/*'],
  legalComments: 'none',
  logLevel: 'warning',
});
