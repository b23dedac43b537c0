/**
 * Bundles the compiled CLI (dist/cli/main.js), its worker (dist/run/worker.js) and its reader
 * thread (dist/run/reader.js) into dist/bundle/, run by `npm run build` after tsc. Start-up is
 * mostly module loading: unbundled, a run opens and compiles some 200 files (b12lint's own
 * modules, commander, chalk, yaml, fast-glob and its dependencies); bundled, a handful. The CLI is
 * one CommonJS script, so that it can be loaded with a code cache (bin/load.js,
 * scripts/code-cache.mjs); what it loads on demand (`import()`: fast-glob, needed only for globs)
 * is in it, compiled only when first called. The threads' entries are ES modules sharing their
 * chunks. The unbundled dist/ stays the source of the bundle and of the scripts that import
 * b12lint's modules (scripts/generate.mjs).
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
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
const shared = {
  absWorkingDir: ROOT,
  outdir: OUT,
  bundle: true,
  platform: 'node',
  target: 'node20',
  // Ajv (its compiler, used only when the built validators are missing) and the compiled
  // validators are required by path at run time: left out of the bundle.
  external: ['ajv', 'ajv/*'],
  legalComments: 'none',
  logLevel: 'warning',
};
// The threads' entries: ES modules, sharing their chunks.
await build({
  ...shared,
  entryPoints: ['dist/run/worker.js', 'dist/run/reader.js'],
  entryNames: '[name]',
  chunkNames: 'chunk-[hash]',
  splitting: true,
  format: 'esm',
  // CommonJS dependencies (commander, yaml, fast-glob) call require(); an ES module has none.
  banner: { js: "import { createRequire as __b12lintRequire } from 'node:module'; const require = __b12lintRequire(import.meta.url);" },
});
// The CLI: one CommonJS script (dist/bundle/main.cjs), which bin/load.js compiles with its code
// cache (scripts/code-cache.mjs). `import.meta.url` is the script's own URL, as in the ES modules.
await build({
  ...shared,
  entryPoints: ['dist/cli/main.js'],
  entryNames: '[name]',
  outExtension: { '.js': '.cjs' },
  format: 'cjs',
  define: { 'import.meta.url': '__b12lintUrl' },
  // The banner goes before esbuild's own "use strict", so it says it first: the CLI runs in strict
  // mode, as the ES modules of the threads do.
  banner: { js: "'use strict';\nconst __b12lintUrl = require('node:url').pathToFileURL(__filename).href;" },
});
// bin/load.js compiles the script with no loader for `import()`: the build stops if one is left.
if (/\bimport\(/.test(readFileSync(join(OUT, 'main.cjs'), 'utf8')))
  throw new Error('dist/bundle/main.cjs calls import(): bin/load.js cannot load it');

// The build's id: a hash of the bundle's code (each file's name and bytes, in name order). A run
// adds it to the version its results depend on (src/cli/main.ts codeVersion), so that a cache, a
// replay or a shard report of another build of the same version is not taken for this one's.
const hash = createHash('sha256');
for (const name of readdirSync(OUT)
  .filter((n) => /\.c?js$/.test(n))
  .sort())
  hash.update(`${name}\0`).update(readFileSync(join(OUT, name)));
writeFileSync(join(OUT, 'build-id'), `${hash.digest('hex').slice(0, 32)}\n`);
