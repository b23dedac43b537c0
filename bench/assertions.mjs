/**
 * `npm run bench:assertions`: how well b12lint reads notes. Every labelled mention of
 * bench/assertions/sentences.yaml (sentences written for b12lint in the style of clinical notes,
 * none copied from an annotated corpus) is read with the built-in context cues, and the reading
 * is compared with the label: precision, recall and F1 per assertion class, and overall accuracy.
 * Then the time to read one note of 1 MB written as a single sentence (matching is linear).
 *
 *   --misses    also print every mention read wrongly
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parse } from 'yaml';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { TermMatcher } = await import(join(ROOT, 'dist', 'rules', 'terms.js'));
const { compileRuleset } = await import(join(ROOT, 'dist', 'rules', 'compile.js'));
const { baseDefinitions } = await import(join(ROOT, 'dist', 'rules', 'load.js'));
const { Problems } = await import(join(ROOT, 'dist', 'read', 'problems.js'));
const { ASSERTIONS } = await import(join(ROOT, 'dist', 'rules', 'context.js'));

const { values: args } = parseArgs({ options: { misses: { type: 'boolean', default: false } } });
const problems = new Problems();
const context = compileRuleset(baseDefinitions(problems), problems).context;

const items = parse(readFileSync(join(ROOT, 'bench', 'assertions', 'sentences.yaml'), 'utf8'));
const counts = Object.fromEntries(ASSERTIONS.map((a) => [a, { tp: 0, fp: 0, fn: 0 }]));
let total = 0;
let right = 0;
const misses = [];
for (const item of items) {
  const seen = new Map();
  for (const m of item.mentions) {
    const key = m.term.toLowerCase();
    const n = seen.get(key) ?? 0;
    seen.set(key, n + 1);
    const hit = new TermMatcher([m.term], context).find(item.text, item.section ?? '')[n];
    const got = hit?.assertion ?? 'not found';
    total++;
    if (got === m.assertion) {
      right++;
      counts[got].tp++;
    } else {
      counts[m.assertion].fn++;
      if (counts[got]) counts[got].fp++;
      misses.push(`${m.term}: ${m.assertion}, read ${got}: ${item.text}`);
    }
  }
}

const f = (x) => (Number.isFinite(x) ? x.toFixed(3) : '-');
const rows = ASSERTIONS.map((a) => {
  const { tp, fp, fn } = counts[a];
  const p = tp / (tp + fp);
  const r = tp / (tp + fn);
  return [a, String(tp + fn), f(p), f(r), f((2 * p * r) / (p + r))];
});
const head = ['assertion', 'mentions', 'precision', 'recall', 'F1'];
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
process.stdout.write(`Assertions: ${items.length} sentences, ${total} labelled mentions, accuracy ${f(right / total)}\n\n`);
process.stdout.write(`${line(head)}\n${line(widths.map((w) => '-'.repeat(w)))}\n${rows.map(line).join('\n')}\n`);
if (args.misses) process.stdout.write(`\nRead wrongly:\n${misses.map((m) => `  ${m}`).join('\n')}\n`);

// Linear matching: one note of 1 MB with no sentence end, full of cues and mentions.
const unit = 'denies melena or bleeding, history of gi bleed, mother had pernicious anemia, ';
const note = unit.repeat(Math.ceil((1 << 20) / unit.length)).slice(0, 1 << 20);
const words = new TermMatcher(['melena', 'bleeding', 'gi bleed', 'pernicious anemia'], context);
const t0 = performance.now();
const hits = words.find(note);
const ms = performance.now() - t0;
process.stdout.write(`\nOne 1 MB note as a single sentence: ${hits.length} mentions read in ${ms.toFixed(0)} ms\n`);

// A note of 1 MB of denials that govern the next line's list ("Negative for:\nfever, melena or
// bleeding."): each cue reads one sentence after it.
const lines = 'Denies:\n- nausea\n- melena\nNegative for:\nfever, chills, melena or bleeding.\n';
const listed = lines.repeat(Math.ceil((1 << 20) / lines.length)).slice(0, 1 << 20);
const t1 = performance.now();
const listedHits = words.find(listed);
const ms1 = performance.now() - t1;
process.stdout.write(`One 1 MB note of denials over the next line: ${listedHits.length} mentions read in ${ms1.toFixed(0)} ms\n`);
