/**
 * Build step (after tsc): each built-in ruleset's values as JSON, with the hash of its YAML text,
 * in dist/rulesets/<name>.json. At run time the loader uses it instead of parsing the YAML (most of
 * a one-chart run's start-up) when the hash still matches; the YAML is parsed only for positions.
 * A ruleset found clean by its JSON Schema here is marked so, and not schema-checked at run time.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { parseDocument } from 'yaml';
import { schemaProblems } from '../dist/rules/schema-check.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist', 'rulesets');
mkdirSync(out, { recursive: true });
for (const name of readdirSync(join(root, 'rulesets')).filter((f) => f.endsWith('.yaml'))) {
  let text = readFileSync(join(root, 'rulesets', name), 'utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) continue; // the loader reports it, with its place, at run time
  const value = doc.toJS({ maxAliasCount: 100 });
  // Only values JSON keeps exactly (no dates, no non-finite numbers) may be snapshotted.
  if (!isDeepStrictEqual(JSON.parse(JSON.stringify(value)), value)) throw new Error(`rulesets/${name}: not representable as JSON`);
  const sha256 = createHash('sha256').update(text).digest('hex');
  // A ruleset the schema finds clean now need not be checked again at each run (the loader still
  // checks what the schema cannot: names, durations, placeholders). Other files (the FHIR concept
  // map) are not rulesets: the loader checks them as before.
  const schemaClean = schemaProblems('ruleset', value).length === 0 ? { schemaClean: 'ruleset' } : {};
  writeFileSync(join(out, name.replace(/\.yaml$/, '.json')), JSON.stringify({ sha256, value, ...schemaClean }));
}
