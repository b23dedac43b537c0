/** The generated rule docs (docs/rules/): up to date, one page per rule with both examples. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generatedDocs } from '../src/authoring/generate.js';
import { ROOT } from './helpers/cli.js';

const docs = generatedDocs();

test('the committed rule docs are the ones the ruleset and its tests generate (npm run docs)', () => {
  expect(readdirSync(join(ROOT, 'docs/rules')).sort()).toEqual([...docs.keys()].map((k) => k.slice('docs/rules/'.length)).sort());
  for (const [rel, text] of docs) expect({ file: rel, text: readFileSync(join(ROOT, rel), 'utf8') }).toEqual({ file: rel, text });
});

test('every rule of the catalog has a page with its YAML, a chart that fires and one that stays quiet', () => {
  const ids = [...readFileSync(join(ROOT, 'rulesets/recommended.yaml'), 'utf8').matchAll(/^  - id: ([a-z0-9-]+)$/gm)].map((m) => m[1]!);
  expect(ids).toHaveLength(24);
  const index = docs.get('docs/rules/README.md')!;
  for (const id of ids) {
    const page = docs.get(`docs/rules/${id}.md`)!;
    expect(page).toContain(`# ${id}\n`);
    expect(page).toContain(`\`\`\`yaml\n- id: ${id}\n`);
    expect(page).toMatch(/## A chart it fires on\n\n```yaml\n[^]*?chartId: [^]*?\nb12lint reports:\n\n```text\n(error|warning|info) {2}\S/);
    expect(page).toMatch(/## A chart it stays quiet on\n\n```yaml\n[^]*?chartId: /);
    expect(index).toContain(`[\`${id}\`](${id}.md)`);
  }
});

test('the README\'s catalog table links every rule to its page', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  for (const key of docs.keys()) {
    if (!key.endsWith('README.md')) expect(readme).toContain(`](${key})`);
  }
});
