/**
 * The docs: the generated rule docs (docs/rules/) are up to date, one page per rule with both
 * examples; the README stays a short introduction; every relative link of the README, the
 * changelog and docs/ leads somewhere; and nothing shipped or documented sends a user to the
 * project's internal ../shared folder, which a user of the package never has.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { generatedDocs } from '../src/authoring/generate.js';
import { ROOT } from './helpers/cli.js';

const docs = generatedDocs();

test('the committed rule docs are the ones the ruleset and its tests generate (npm run docs)', () => {
  expect(readdirSync(join(ROOT, 'docs/rules')).sort()).toEqual([...docs.keys()].map((k) => k.slice('docs/rules/'.length)).sort());
  for (const [rel, text] of docs) expect({ file: rel, text: readFileSync(join(ROOT, rel), 'utf8') }).toEqual({ file: rel, text });
});

test('every rule of the catalog has a page with its YAML, a chart that fires and one that stays quiet', () => {
  const ids = [...readFileSync(join(ROOT, 'rulesets/recommended.yaml'), 'utf8').matchAll(/^  - id: ([a-z0-9-]+)$/gm)].map((m) => m[1]!);
  expect(ids).toHaveLength(35);
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

test('the catalog page (docs/catalog.md) links every rule to its page', () => {
  const catalog = readFileSync(join(ROOT, 'docs/catalog.md'), 'utf8');
  for (const key of docs.keys()) {
    if (!key.endsWith('README.md')) expect(catalog).toContain(`](${key.slice('docs/'.length)})`);
  }
});

/** Every file under `dir` (relative to ROOT) whose name passes `keep`. */
function filesUnder(dir: string, keep: (name: string) => boolean): string[] {
  const out: string[] = [];
  for (const e of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) out.push(...filesUnder(rel, keep));
    else if (keep(e.name)) out.push(rel);
  }
  return out;
}

/** Markdown without fenced code blocks, and with inline code spans blanked, so that only real links and headings remain. */
function proseOf(markdown: string): string {
  return markdown.replace(/^(```|~~~)[^\n]*\n[^]*?^\1[^\n]*$/gm, '').replace(/(`+)[^`\n]*?\1/g, 'code');
}

/** The anchors GitHub gives a page's headings: lower case, punctuation dropped, spaces as hyphens, repeats numbered. */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  const prose = markdown.replace(/^(```|~~~)[^\n]*\n[^]*?^\1[^\n]*$/gm, '');
  for (const m of prose.matchAll(/^#{1,6}[ \t]+(.+?)[ \t#]*$/gm)) {
    const slug = m[1]!
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    anchors.add(n === 0 ? slug : `${slug}-${n}`);
  }
  return anchors;
}

const PAGES = ['README.md', 'CHANGELOG.md', ...filesUnder('docs', (n) => n.endsWith('.md'))];

test('the README is a short introduction: under 12 KB', () => {
  expect(statSync(join(ROOT, 'README.md')).size).toBeLessThan(12_000);
});

test('every relative link of the README, the changelog and docs/ leads to a file that exists, and to a heading it has', () => {
  const broken: string[] = [];
  let links = 0;
  for (const page of PAGES) {
    const text = proseOf(readFileSync(join(ROOT, page), 'utf8'));
    for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      const target = m[1]!;
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:
      links++;
      const [path, anchor] = target.split('#') as [string, string | undefined];
      const file = path === '' ? join(ROOT, page) : join(ROOT, dirname(page), decodeURIComponent(path));
      if (!existsSync(file)) {
        broken.push(`${page}: ${target} (no ${relative(ROOT, file)})`);
        continue;
      }
      if (anchor !== undefined && file.endsWith('.md') && !anchorsOf(readFileSync(file, 'utf8')).has(anchor)) {
        broken.push(`${page}: ${target} (no heading #${anchor} in ${relative(ROOT, file)})`);
      }
    }
  }
  expect(broken).toEqual([]);
  expect(links).toBeGreaterThan(100);
});

test("nothing shipped or documented cites the project's internal ../shared folder", () => {
  const files = [
    'README.md',
    'CHANGELOG.md',
    'package.json',
    'action.yml',
    ...['src', 'schemas', 'rulesets', 'docs', 'bin', 'scripts'].flatMap((d) => filesUnder(d, () => true)),
  ].filter((f) => !f.endsWith('.png'));
  const citing = files.filter((f) => /\bshared\/(spec|domain|schemas|style)\b|\.\.\/shared\b/.test(readFileSync(join(ROOT, f), 'utf8')));
  expect(citing).toEqual([]);
});
