/**
 * Issue 19, item 10: the files a run reads besides its charts (the baseline, the cache, the shard
 * reports of `merge`, configs and `.b12lintignore`) are trusted no more than charts. Each is read
 * only if it is a regular file within the size limit of chart files (--max-file-size, 64 MB by
 * default): `--baseline /dev/zero` is a clear error, exit 2, not memory growing without bound. A
 * cache entry carries a checksum of itself: an edited entry (one that would turn findings off) is
 * dropped and its file linted again.
 */
import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { cpSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CACHE_FILE } from '../../src/run/cache.js';
import { cli, ROOT } from '../helpers/cli.js';
import { chart, scratches, type Scratch } from '../helpers/scratch.js';

const folder = scratches('b12lint-io-side-');

function project(): Scratch {
  const s = folder();
  s.write('c.json', JSON.stringify(chart('C-1')));
  return s;
}

function run(s: Scratch, args: string[]): ReturnType<typeof cli> {
  return cli(args, { cwd: s.dir, timeoutMs: 60_000 });
}

/** A file of `mb` MB that takes no disk (sparse). */
function sparse(s: Scratch, name: string, mb: number): string {
  const p = s.write(name, '');
  truncateSync(p, mb * 1024 * 1024);
  return p;
}

describe('the baseline', () => {
  test('--baseline /dev/zero is refused at once: exit 2, one line', () => {
    const s = project();
    const r = run(s, ['--no-config-lookup', '--baseline', '/dev/zero', 'c.json']);
    expect([r.code, r.stdout, r.stderr]).toEqual([
      2,
      '',
      'b12lint: cannot read the baseline "/dev/zero": it is not a regular file (a pipe, socket or device)\n',
    ]);
  });

  test('a baseline over the size limit is refused without being read', () => {
    const s = project();
    sparse(s, 'huge.json', 3);
    const r = run(s, ['--no-config-lookup', '--max-file-size', '2', '--baseline', 'huge.json', 'c.json']);
    expect([r.code, r.stderr]).toEqual([
      2,
      'b12lint: cannot read the baseline "huge.json": it is 3.0 MB, over the 2 MB limit for one file (--max-file-size)\n',
    ]);
    const whole = run(s, ['--no-config-lookup', '--baseline', 'huge.json', 'c.json']); // within 64 MB: read, and not a baseline
    expect([whole.code, whole.stderr]).toEqual([
      2,
      'b12lint: "huge.json" is not a b12lint baseline (version 1); write a new one with --update-baseline\n',
    ]);
  });

  test('a baseline that is not JSON is named, its text never quoted', () => {
    const s = project();
    s.write('shadow.json', 'root:$6$secret-hash:19000:0:99999:7:::\n');
    const r = run(s, ['--no-config-lookup', '--baseline', 'shadow.json', 'c.json']);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toContain('secret-hash');
  });
});

describe('merge inputs', () => {
  test('a shard report over the size limit is refused by name', () => {
    const s = project();
    sparse(s, 'shard-1.json', 3);
    const r = run(s, ['merge', '--no-config-lookup', '--max-file-size', '2', 'shard-1.json']);
    expect([r.code, r.stderr]).toEqual([
      2,
      'b12lint: cannot read the report shard-1.json: it is 3.0 MB, over the 2 MB limit for one file (--max-file-size)\n',
    ]);
  });
});

describe('configs and .b12lintignore', () => {
  test('-c /dev/zero is refused: exit 2', () => {
    const s = project();
    const r = run(s, ['-c', '/dev/zero', 'c.json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^\/dev\/zero:1:1: cannot read the file: it is not a regular file \(a pipe, socket or device\)\n/);
  });

  test('a config over the 64 MB limit is refused without being read', () => {
    const s = project();
    sparse(s, 'b12lint.config.yaml', 65);
    const r = run(s, ['c.json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/b12lint\.config\.yaml:1:1: cannot read the file: it is 65\.0 MB, over the 64 MB limit for one file/);
  });

  test('a .b12lintignore that is a FIFO is refused, not waited on', () => {
    const s = project();
    execFileSync('mkfifo', [join(s.dir, '.b12lintignore')]);
    const r = run(s, ['--no-config-lookup', '.']);
    expect([r.code, r.stderr]).toEqual([2, 'b12lint: cannot read .b12lintignore: it is not a regular file (a pipe, socket or device)\n']);
  });
});

describe('the cache', () => {
  /** "12 files (3 from the cache), ..." from the --stats footer. */
  function fromCache(stderr: string): number {
    const m = /(\d+) files \((\d+) from the cache\)/.exec(stderr);
    if (!m) throw new Error(`no --stats footer in:\n${stderr}`);
    return Number(m[2]);
  }

  function cached(...extra: string[]): { s: Scratch; cacheFile: string; lint: () => ReturnType<typeof cli> } {
    const s = folder();
    cpSync(join(ROOT, 'fixtures', 'charts'), join(s.dir, 'charts'), { recursive: true });
    return {
      s,
      cacheFile: join(s.dir, 'cache', CACHE_FILE),
      lint: () => run(s, ['--no-config-lookup', 'charts', '--cache-location', 'cache', '--stats', '-f', 'json', ...extra]),
    };
  }

  test('an edited entry (its findings taken out) does not verify: it is dropped and its file linted again', () => {
    const c = cached();
    const first = c.lint();
    const lines = readFileSync(c.cacheFile, 'utf8').split('\n');
    const k = lines.findIndex((l, i) => i > 0 && /"ruleId"/.test(l));
    expect(k).toBeGreaterThan(0);
    // The entry's findings emptied, its checksum kept: what an edit that hides findings looks like.
    const [sum, json] = [lines[k]!.slice(0, 22), lines[k]!.slice(23)];
    const entry = JSON.parse(json) as unknown[];
    entry[6] = [];
    lines[k] = `${sum} ${JSON.stringify(entry)}`;
    writeFileSync(c.cacheFile, lines.join('\n'));
    const after = c.lint();
    expect(after.stdout).toBe(first.stdout);
    expect(fromCache(after.stderr)).toBe(fromCache(c.lint().stderr) - 1); // the others were still used; the edited one is rewritten
  });

  test('an entry forged under the public key with what no format writes (severity, evidence, query) is dropped, its file linted again', () => {
    const c = cached('-f', 'github:gh.txt', '-f', 'codequality:cq.json', '-f', 'queries:q.md', '-f', 'stylish:s.txt', '-f', 'html:r.html');
    c.lint();
    const first = c.lint(); // every file from the cache
    const outputs = (): string[] => ['gh.txt', 'cq.json', 'q.md', 's.txt'].map((f) => readFileSync(join(c.s.dir, f), 'utf8'));
    const written = outputs();
    for (const forge of [
      (f: Record<string, unknown>) => void (f.severity = 'constructor'),
      (f: Record<string, unknown>) => void (f.evidence as Record<string, unknown>[]).push({ kind: '__proto__', pointer: '' }),
      (f: Record<string, unknown>) =>
        void (f.evidence as Record<string, unknown>[]).push({ kind: 'note', assertion: 'constructor', pointer: '' }),
      (f: Record<string, unknown>) => void (f.query = { question: 'q' }), // once an internal error of every later run with queries or html
    ]) {
      const lines = readFileSync(c.cacheFile, 'utf8').trimEnd().split('\n');
      const k = lines.findIndex((l, i) => i > 0 && /"ruleId"/.test(l));
      const entry = JSON.parse(lines[k]!.slice(23)) as unknown[];
      forge((entry[6] as Record<string, unknown>[])[0]!);
      const json = JSON.stringify(entry);
      // A forger knows the public key: the entry's checksum is made as b12lint makes it, and the seal is left out.
      const keyHash = (JSON.parse(lines[0]!) as { key: string }).key;
      const sum = createHmac('sha256', 'b12lint-cache').update(keyHash).update('\n').update(json).digest('base64').slice(0, 22);
      lines[k] = `${sum} ${json}`;
      writeFileSync(c.cacheFile, `${lines.slice(0, -1).join('\n')}\n`);
      const after = c.lint();
      expect(after.stdout).toBe(first.stdout);
      expect(outputs()).toEqual(written);
      expect(fromCache(after.stderr)).toBe(fromCache(first.stderr) - 1);
    }
  });

  test('the seal over all entries: when it is gone or wrong, each entry is checked on its own and the intact ones are kept', () => {
    const c = cached();
    const first = c.lint();
    const text = readFileSync(c.cacheFile, 'utf8');
    const lines = text.trimEnd().split('\n');
    expect(lines[lines.length - 1]).toMatch(/^#[A-Za-z0-9+/]{43}=$/);
    writeFileSync(c.cacheFile, `${lines.slice(0, -1).join('\n')}\n`); // no seal
    const unsealed = c.lint();
    expect(fromCache(unsealed.stderr)).toBe(6);
    expect(unsealed.stdout).toBe(first.stdout);
    expect(readFileSync(c.cacheFile, 'utf8')).toBe(text); // and the run sealed it again
    writeFileSync(c.cacheFile, `${lines.slice(0, -1).join('\n')}\n#${'A'.repeat(43)}=\n`); // a wrong one
    expect(fromCache(c.lint().stderr)).toBe(6);
    expect(readFileSync(c.cacheFile, 'utf8')).toBe(text);
  });

  test('with B12LINT_CACHE_KEY the checksums are keyed: without the secret no entry verifies (no one can forge one)', () => {
    const c = cached();
    const env = { B12LINT_CACHE_KEY: 'the team secret' };
    const lintKeyed = (): ReturnType<typeof cli> =>
      cli(['--no-config-lookup', 'charts', '--cache-location', 'cache', '--stats', '-f', 'json'], { cwd: c.s.dir, env });
    lintKeyed();
    expect(fromCache(lintKeyed().stderr)).toBe(6);
    // Without the secret the checksums are another key's: every entry is dropped.
    expect(fromCache(c.lint().stderr)).toBe(0);
  });

  test('a cache file that is a FIFO is not waited on; one over the size limit is not read', () => {
    const c = cached('--max-file-size', '1');
    c.lint();
    const plain = c.lint();
    expect(fromCache(plain.stderr)).toBe(6);
    execFileSync('rm', [c.cacheFile]);
    execFileSync('mkfifo', [c.cacheFile]);
    const fifo = c.lint();
    expect(fifo.stdout).toBe(plain.stdout);
    expect(fifo.stderr).toContain(`b12lint: warning: the cache ${c.cacheFile} is not a regular file; it is not read\n`);
    expect(fromCache(c.lint().stderr)).toBe(6); // the FIFO was replaced by a cache
    writeFileSync(c.cacheFile, `${readFileSync(c.cacheFile, 'utf8')}${' '.repeat(1024 * 1024)}`); // the same cache, over 1 MB
    const over = c.lint();
    expect(fromCache(over.stderr)).toBe(0);
    expect(over.stderr).toContain('over the 1 MB limit (--max-file-size): every file is linted; raise the limit to keep using it');
    expect(over.stdout).toBe(plain.stdout);
  });
});
