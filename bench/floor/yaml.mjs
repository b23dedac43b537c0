/** The floor for YAML charts: list the .yaml files, read each and call the `yaml` package's parse. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

const dir = process.argv[2];
const files = readdirSync(dir, { recursive: true })
  .filter((f) => f.endsWith('.yaml'))
  .sort();
let keys = 0;
for (const f of files) keys += Object.keys(parse(readFileSync(join(dir, f), 'utf8'))).length;
process.stdout.write(`${files.length} files, ${keys} top-level keys\n`);
