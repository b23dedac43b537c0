/**
 * Discovery of a folder (a readdir walk) finds what the glob `**\/*.{json,yaml,yml,ndjson,jsonl}`
 * with fast-glob's options found: chart extensions in any case, no dot-entries, no node_modules
 * (in any case) at any depth, symbolic links to files kept and to folders not followed, b12lint's
 * own files left out; and the ignore list applies to what it finds.
 */
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { discover } from '../src/run/discover.js';
import { scratches, type Scratch } from './helpers/scratch.js';

const newScratch = scratches();

function tree(): Scratch {
  const s = newScratch();
  for (const d of ['Node_Modules/x', 'node_modules/y', 'a/node_modules/z', '.hid', 'vis/.deep', 'up.json', 'x.JSON.d'])
    mkdirSync(join(s.dir, d), { recursive: true });
  for (const f of [
    'Node_Modules/x/a.json',
    'node_modules/y/b.json',
    'a/node_modules/z/c.json',
    '.hid/d.json',
    'vis/.deep/e.json',
    'vis/.f.json',
    'vis/g.JSON',
    'vis/h.Yml',
    'vis/i.json.txt',
    'vis/.json',
    'vis/node_modules.json',
    'x.JSON.d/k.json',
    'vis/a b.json',
    'vis/[x].json',
    'vis/l.ndjson',
    'vis/m.jsonl',
    'vis/n.yaml',
    'vis/b12lint.config.yaml',
    'vis/package.json',
    'vis/rules.tests.yaml',
    'vis/notes.txt',
  ])
    s.write(f, '{}');
  symlinkSync('vis', join(s.dir, 'linkdir.json'));
  symlinkSync('vis/g.JSON', join(s.dir, 'linkfile.json'));
  symlinkSync('nowhere', join(s.dir, 'dangling.yaml'));
  return s;
}

const relative = (s: Scratch, files: string[]): string[] => files.map((f) => f.slice(s.dir.length + 1));

test('a folder: chart extensions in any case, no dot-entries or node_modules, links to files kept, links to folders not followed', async () => {
  const s = tree();
  const files = await discover(['.'], { cwd: s.dir });
  expect(relative(s, files)).toEqual([
    'dangling.yaml',
    'vis/[x].json',
    'vis/a b.json',
    'vis/g.JSON',
    'vis/h.Yml',
    'vis/l.ndjson',
    'vis/m.jsonl',
    'vis/n.yaml',
    'vis/node_modules.json',
    'x.JSON.d/k.json',
  ]); // linkfile.json is vis/g.JSON reached through a link: linted once, under its own path
});

test('a folder named by a relative path, the same files as from inside it; the ignore list applies', async () => {
  const s = tree();
  const inside = await discover(['vis'], { cwd: s.dir });
  expect(relative(s, inside)).toEqual([
    'vis/[x].json',
    'vis/a b.json',
    'vis/g.JSON',
    'vis/h.Yml',
    'vis/l.ndjson',
    'vis/m.jsonl',
    'vis/n.yaml',
    'vis/node_modules.json',
  ]);
  const ignored = await discover(['./vis/'], { cwd: s.dir, ignore: ['*.json', '!vis/g.JSON'] });
  expect(relative(s, ignored)).toEqual(['vis/g.JSON', 'vis/h.Yml', 'vis/l.ndjson', 'vis/m.jsonl', 'vis/n.yaml']);
});

test("b12lint's own outputs (exclude) are left out whole and in any case, even where an ignore pattern would take them back; named alone, they are refused", async () => {
  const s = tree();
  const exclude = [join(s.dir, 'vis', 'N.YAML'), join(s.dir, 'vis', 'a b.json'), join(s.dir, 'elsewhere.json')];
  const found = await discover(['vis'], { cwd: s.dir, ignore: ['!vis/n.yaml'], exclude });
  expect(relative(s, found)).toEqual(['vis/[x].json', 'vis/g.JSON', 'vis/h.Yml', 'vis/l.ndjson', 'vis/m.jsonl', 'vis/node_modules.json']);
  await expect(discover(['vis/a b.json'], { cwd: s.dir, exclude })).rejects.toThrow(
    '"vis/a b.json" is a report or baseline this run writes',
  );
});
