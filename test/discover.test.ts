/**
 * Discovery of a folder (a readdir walk) finds what the glob `**\/*.{json,yaml,yml,ndjson,jsonl}`
 * with fast-glob's options found: chart extensions in any case, no dot-entries, no node_modules
 * (in any case) at any depth, symbolic links to files kept and to folders not followed, b12lint's
 * own files left out; and the ignore list applies to what it finds.
 */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { anyCharAsClass, discover } from '../src/run/discover.js';
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

test('ignore patterns match names in their own case, as git does on Linux: `Archive/` leaves out Archive/ only, `*.YAML` no x.yaml', async () => {
  const s = newScratch();
  for (const d of ['charts/Archive', 'charts/archive']) mkdirSync(join(s.dir, d), { recursive: true });
  for (const f of ['charts/Archive/old.yaml', 'charts/archive/p.yaml', 'charts/clean.yaml', 'charts/H.YAML'])
    writeFileSync(join(s.dir, f), 'chartId: x\n');
  expect(relative(s, await discover(['charts'], { cwd: s.dir, ignore: ['charts/Archive/'] }))).toEqual([
    'charts/H.YAML',
    'charts/archive/p.yaml',
    'charts/clean.yaml',
  ]);
  expect(relative(s, await discover(['charts'], { cwd: s.dir, ignore: ['*.YAML'] }))).toEqual([
    'charts/Archive/old.yaml',
    'charts/archive/p.yaml',
    'charts/clean.yaml',
  ]);
  writeFileSync(join(s.dir, '.b12lintignore'), 'Archive/\n');
  expect(relative(s, await discover(['charts'], { cwd: s.dir }))).toEqual(['charts/H.YAML', 'charts/archive/p.yaml', 'charts/clean.yaml']);
});

test("b12lint's own outputs (exclude) are left out whole and in any case, even where an ignore pattern would take them back; named alone, they are refused", async () => {
  const s = tree();
  const exclude = [join(s.dir, 'vis', 'N.YAML'), join(s.dir, 'vis', 'a b.json'), join(s.dir, 'elsewhere.json')];
  const found = await discover(['vis'], { cwd: s.dir, ignore: ['!vis/n.yaml'], exclude });
  expect(relative(s, found)).toEqual(['vis/[x].json', 'vis/g.JSON', 'vis/h.Yml', 'vis/l.ndjson', 'vis/m.jsonl', 'vis/node_modules.json']);
  await expect(discover(['vis/a b.json'], { cwd: s.dir, exclude })).rejects.toThrow(
    '"vis/a b.json" is a report, baseline or cache file of this run',
  );
});

test('the cache folder (cacheFolder): its own file (in exclude) is left out; a chart file in it that a walk, a glob or a name reaches refuses the run, in any case', async () => {
  const s = newScratch();
  mkdirSync(join(s.dir, 'charts', 'cc'), { recursive: true });
  s.write('charts/a.yaml', '{}');
  s.write('charts/cc/cache.json', '{}');
  const own = { exclude: [join(s.dir, 'charts', 'cc', 'cache.json')] };
  expect(relative(s, await discover(['charts'], { cwd: s.dir, ...own, cacheFolder: join(s.dir, 'charts', 'CC') }))).toEqual([
    'charts/a.yaml',
  ]);
  s.write('charts/cc/p.yaml', '{}');
  const refused =
    'the cache folder "charts/CC" (--cache-location) holds chart files this run was asked to lint ("charts/cc/p.yaml"); a run never lints its cache folder';
  for (const input of ['charts', 'charts/**/*.yaml', 'charts/cc/p.yaml'])
    await expect(discover([input], { cwd: s.dir, ...own, cacheFolder: join(s.dir, 'charts', 'CC') })).rejects.toThrow(refused);
  // The cache folder holding the charts' folder: every chart in it is named, by count past the first.
  await expect(discover(['charts'], { cwd: s.dir, ...own, cacheFolder: s.dir })).rejects.toThrow(
    'the cache folder "." (--cache-location) holds chart files this run was asked to lint ("charts/a.yaml" and 1 more)',
  );
  // What the ignore list leaves out the run was not asked to lint.
  expect(
    relative(s, await discover(['charts'], { cwd: s.dir, ...own, ignore: ['cc/'], cacheFolder: join(s.dir, 'charts', 'cc') })),
  ).toEqual(['charts/a.yaml']);
});

test('a folder walked in the order of its names (a folder name with the separator after it) lists its files as their whole paths sort: 40 random trees', async () => {
  // Names that sort close together: prefixes of one another, '.', '-' and '0' around the
  // separator's code, letters of both cases, letters beyond ASCII.
  const parts = ['a', 'a.json', 'a-b', 'a.b', 'a0', 'A', 'ab', 'é', 'Ω', 'a.json.d', 'b', '-', '.x'];
  let seed = 11;
  const rand = (k: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % k;
  };
  for (let t = 0; t < 40; t++) {
    const s = newScratch();
    const made: string[] = [];
    const fill = (dir: string, depth: number): void => {
      const names = new Set(Array.from({ length: 1 + rand(6) }, () => parts[rand(parts.length)]!));
      for (const name of names) {
        if (name.startsWith('.')) continue;
        if (depth < 3 && rand(3) === 0) {
          mkdirSync(join(dir, name));
          fill(join(dir, name), depth + 1);
        } else {
          const file = `${name}${rand(2) ? '.json' : '.yaml'}`;
          if (names.has(file)) continue;
          writeFileSync(join(dir, file), '{}');
          made.push(join(dir, file));
        }
      }
    };
    fill(s.dir, 0);
    if (made.length === 0) continue;
    const found = await discover([s.dir], { cwd: s.dir });
    expect(found).toEqual([...made].sort());
    // Two inputs go through the general path (each file once, the whole list sorted): the same.
    expect(await discover([s.dir, s.dir], { cwd: s.dir })).toEqual(found);
  }
});

test('a "?" in a glob stands for one character in a folder name too, and for no dot at the start of a name', async () => {
  const s = tree();
  expect(relative(s, await discover(['v?s/n.yaml'], { cwd: s.dir }))).toEqual(['vis/n.yaml']);
  expect(relative(s, await discover(['?is/?.yaml'], { cwd: s.dir }))).toEqual(['vis/n.yaml']);
  await expect(discover(['vis/?json'], { cwd: s.dir })).rejects.toThrow('no files match'); // not ".json"
  await expect(discover(['?hid/*.json'], { cwd: s.dir })).rejects.toThrow('no files match'); // not ".hid"
  expect(anyCharAsClass('a?c/\\?/[?]/?(x|y)/?')).toBe('a[!/]c/\\?/[?]/?(x|y)/[!/.]');
});
