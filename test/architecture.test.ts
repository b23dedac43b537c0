/**
 * The layers of src/ (docs/architecture.md): every import points down the stage order, and the
 * stage folders import one another without a cycle. The order is read from the table in
 * docs/architecture.md, so the document and this test cannot tell two stories. Imports are read
 * with TypeScript's own pre-processor (static, type-only, re-exports and dynamic `import()`).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { ROOT } from './helpers/cli.js';

const SRC = join(ROOT, 'src');
const DOC = join(ROOT, 'docs', 'architecture.md');

/** The stages, lowest first: the first column of the table under "## Stages", e.g. `core/` or `finding.ts`. */
function stagesFromDoc(): string[] {
  const text = readFileSync(DOC, 'utf8');
  const section = text.split(/^## /m).find((s) => s.startsWith('Stages'));
  if (!section) throw new Error('docs/architecture.md has no "## Stages" section');
  const rows = section.split('\n').filter((l) => /^\|\s*\d+\s*\|/.test(l));
  return rows.map((l) => /`([^`]+)`/.exec(l.split('|')[2] ?? '')?.[1] ?? `(no stage in: ${l})`);
}

/** `core/io.ts` is in stage `core/`; `index.ts` is a stage of its own. */
function stageOf(file: string): string {
  const rel = relative(SRC, file).split('\\').join('/');
  return rel.includes('/') ? `${rel.split('/')[0]}/` : rel;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return e.name.endsWith('.ts') ? [p] : [];
  });
}

interface Edge {
  from: string;
  to: string;
}

/** Every relative import between two files of src/. */
function importEdges(): Edge[] {
  const edges: Edge[] = [];
  for (const file of sourceFiles(SRC)) {
    const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    for (const { fileName } of info.importedFiles) {
      if (!fileName.startsWith('.')) continue; // node: and packages
      edges.push({ from: file, to: resolve(dirname(file), fileName).replace(/\.js$/, '.ts') });
    }
  }
  return edges;
}

const stages = stagesFromDoc();
const edges = importEdges();
const show = (e: Edge): string => `src/${relative(SRC, e.from)} -> src/${relative(SRC, e.to)}`;

test('the table names the stages, each once, in order', () => {
  expect(stages.length).toBeGreaterThan(5);
  expect(new Set(stages).size).toBe(stages.length);
});

test('every folder and file at the top of src/ is a stage of the table', () => {
  const top = readdirSync(SRC, { withFileTypes: true })
    .map((e) => (e.isDirectory() ? `${e.name}/` : e.name))
    .filter((n) => n.endsWith('/') || n.endsWith('.ts'));
  expect(top.filter((n) => !stages.includes(n))).toEqual([]);
  expect(stages.filter((s) => !top.includes(s))).toEqual([]);
});

test('the import graph is read: it has edges between stages, through re-exports and type imports too', () => {
  const pairs = new Set(edges.map((e) => `${stageOf(e.from)} ${stageOf(e.to)}`));
  expect(pairs.has('rules/ chart/')).toBe(true);
  expect(edges.some((e) => show(e) === 'src/index.ts -> src/read/problems.ts')).toBe(true); // `export { RulesetError } from`
  expect(edges.some((e) => show(e) === 'src/rules/types.ts -> src/read/source.ts')).toBe(true); // `import type`
});

test('no module imports from a later stage', () => {
  const rank = new Map(stages.map((s, i) => [s, i]));
  const upward = edges.filter((e) => (rank.get(stageOf(e.to)) ?? -1) > (rank.get(stageOf(e.from)) ?? Infinity));
  // The message lists each offending import: move the shared code down, or the importer up.
  expect(upward.map(show)).toEqual([]);
});

test('no import cycle between stage folders', () => {
  const graph = new Map<string, Set<string>>();
  for (const e of edges) {
    const a = stageOf(e.from);
    const b = stageOf(e.to);
    if (a !== b) graph.set(a, (graph.get(a) ?? new Set()).add(b));
  }
  const cycles: string[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const visit = (node: string, path: string[]): void => {
    if (state.get(node) === 'done') return;
    if (state.get(node) === 'open') {
      cycles.push([...path.slice(path.indexOf(node)), node].join(' -> '));
      return;
    }
    state.set(node, 'open');
    for (const next of graph.get(node) ?? []) visit(next, [...path, node]);
    state.set(node, 'done');
  };
  for (const node of graph.keys()) visit(node, []);
  expect(cycles).toEqual([]);
});
