/**
 * Property tests (fast-check): random data, random mutations of valid charts, random edits of
 * chart text and random bytes never make the reader, the adapter or the engine throw (an
 * internal-error finding would be a throw caught), and linting is deterministic: the same input
 * gives the same report, byte for byte. The JSON error finder agrees with JSON.parse on what is
 * valid, and the JSON locator finds every value where it starts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { stringify as toYaml } from 'yaml';
import { decode } from '../src/read/decode.js';
import { escapePointerToken, JsonLocator, valueAt } from '../src/read/json-locate.js';
import { findJsonError, tooDeepAt } from '../src/read/json-syntax.js';
import { json } from '../src/report/json.js';
import { Engine } from '../src/rules/engine.js';
import { buildReport } from '../src/run/run.js';
import { lintDecoded, type FileOutcome } from '../src/run/lint-file.js';
import { formatOf } from '../src/read/parse.js';
import { setupRuleset } from '../src/run/setup.js';
import { ROOT } from './helpers/cli.js';
import { chart } from './helpers/scratch.js';

const ruleset = setupRuleset({ version: 'test' });
const engine = new Engine(ruleset);
const OPTIONS = { maxFileSize: 64 * 1024 * 1024, debug: true };
const FIXTURES = ['p-0001.yaml', 'p-0002.json'].map((name) => ({
  name,
  text: readFileSync(join(ROOT, 'fixtures', 'charts', name), 'utf8'),
}));
const VALID_CHARTS: unknown[] = [
  JSON.parse(FIXTURES[1]!.text),
  chart('PROP-1'),
  chart('PROP-2', { labs: [{ test: 'b12', value: '<50 pg/mL', date: '2026-09-01' }] }),
];

function lint(bytes: Buffer | string, name: string): FileOutcome {
  return lintDecoded(decode(Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes)), formatOf(name)!, name, engine, OPTIONS);
}

/** Lints twice: no internal error, every position inside the file, and the same report both times. */
function checkLint(bytes: Buffer | string, name: string): void {
  const first = lint(bytes, name);
  const internal = first.findings.filter((f) => f.ruleId === 'internal-error');
  if (internal.length > 0) throw new Error(`internal error: ${internal[0]!.message}\n${internal[0]!.stack ?? ''}`);
  expect(first.charts).toBeGreaterThanOrEqual(1);
  const lines = (Buffer.isBuffer(bytes) ? bytes.toString('latin1') : bytes).split('\n').length;
  for (const f of first.findings) {
    expect(f.line).toBeGreaterThanOrEqual(1);
    expect(f.line).toBeLessThanOrEqual(lines);
    expect(f.column).toBeGreaterThanOrEqual(1);
  }
  const report = (o: FileOutcome): string => json(buildReport([o], { ruleset, version: 'test' }), { color: false });
  expect(report(lint(bytes, name))).toBe(report(first));
}

/** Every [container, key] of a value, depth first, for picking a place to mutate. */
function places(v: unknown, out: [Record<string, unknown> | unknown[], string | number][] = []): typeof out {
  if (Array.isArray(v))
    v.forEach((x, i) => {
      out.push([v, i]);
      places(x, out);
    });
  else if (v && typeof v === 'object')
    for (const [k, x] of Object.entries(v)) {
      out.push([v as Record<string, unknown>, k]);
      places(x, out);
    }
  return out;
}

const mutation = fc.tuple(fc.nat(), fc.constantFrom('set', 'delete', 'wrap', 'duplicate'), fc.jsonValue({ maxDepth: 2 }));

function mutate(base: unknown, ops: [number, string, unknown][]): unknown {
  const v = structuredClone(base);
  for (const [n, op, value] of ops) {
    const all = places(v);
    if (all.length === 0) break;
    const [parent, key] = all[n % all.length]!;
    const p = parent as Record<string | number, unknown>;
    if (op === 'set') p[key] = value;
    else if (op === 'wrap') p[key] = [p[key]];
    else if (op === 'delete') {
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete p[key];
    } else if (Array.isArray(parent)) parent.push(structuredClone(parent[key as number]));
    else p[`${key}`] = structuredClone(p[key]);
  }
  return v;
}

test('random data as JSON, YAML and NDJSON never breaks the loader or the engine, and lints deterministically', () => {
  fc.assert(
    fc.property(fc.jsonValue({ maxDepth: 5 }), (value) => {
      checkLint(JSON.stringify(value), 'random.json');
      checkLint(toYaml(value), 'random.yaml');
      checkLint(`${JSON.stringify(value)}\n${JSON.stringify([value])}\n`, 'random.ndjson');
    }),
    { numRuns: 200 },
  );
});

test('random mutations of valid charts never break the loader or the engine, and lint deterministically', () => {
  fc.assert(
    fc.property(fc.constantFrom(...VALID_CHARTS), fc.array(mutation, { minLength: 1, maxLength: 6 }), (base, ops) => {
      const value = mutate(base, ops as [number, string, unknown][]);
      checkLint(JSON.stringify(value, null, 2), 'mutant.json');
      checkLint(toYaml(value), 'mutant.yaml');
      checkLint(JSON.stringify([value, base]), 'mutants.json');
    }),
    { numRuns: 250 },
  );
});

test('random edits of chart text and random bytes give findings, never a crash', () => {
  const edit = fc.tuple(fc.nat(), fc.nat({ max: 8 }), fc.string({ maxLength: 4 }));
  fc.assert(
    fc.property(fc.constantFrom(...FIXTURES), fc.array(edit, { minLength: 1, maxLength: 5 }), ({ name, text }, edits) => {
      let t = text;
      for (const [at, del, ins] of edits) {
        const i = at % (t.length + 1);
        t = t.slice(0, i) + ins + t.slice(i + del);
      }
      checkLint(t, name);
    }),
    { numRuns: 400 },
  );
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), fc.constantFrom('bytes.json', 'bytes.yaml', 'bytes.ndjson'), (bytes, name) => {
      checkLint(Buffer.from(bytes), name);
    }),
    { numRuns: 200 },
  );
});

test('the JSON error finder calls a text valid exactly when JSON.parse does', () => {
  const nearJson = fc
    .tuple(fc.jsonValue({ maxDepth: 3 }), fc.nat(), fc.string({ maxLength: 3 }), fc.nat({ max: 3 }))
    .map(([v, at, ins, del]) => {
      const t = JSON.stringify(v, null, at % 3);
      const i = at % (t.length + 1);
      return t.slice(0, i) + ins + t.slice(i + del);
    });
  fc.assert(
    fc.property(fc.oneof(nearJson, fc.string({ maxLength: 12 })), (text) => {
      let valid = true;
      try {
        JSON.parse(text);
      } catch {
        valid = false;
      }
      const err = findJsonError(text);
      expect({ text, valid: err === undefined }).toEqual({ text, valid });
      if (err) expect(err.offset).toBeLessThanOrEqual(text.length);
    }),
    { numRuns: 2000 },
  );
});

test('the JSON locator finds any set of values where they start', () => {
  const pointers = (v: unknown, at = ''): string[] => {
    const inner = Array.isArray(v)
      ? v.flatMap((x, i) => pointers(x, `${at}/${i}`))
      : v && typeof v === 'object'
        ? Object.entries(v).flatMap(([k, x]) => pointers(x, `${at}/${escapePointerToken(k)}`))
        : [];
    return [at, ...inner];
  };
  fc.assert(
    fc.property(fc.jsonValue({ maxDepth: 4 }), fc.nat({ max: 4 }), fc.array(fc.nat()), (value, indent, picks) => {
      const text = JSON.stringify(value, null, indent);
      const all = pointers(value);
      const wanted = [...new Set(picks.map((n) => all[n % all.length]!))];
      const found = new JsonLocator(text).locateAll(wanted);
      const lines = text.split('\n');
      for (const p of wanted) {
        const { line, column } = found.get(p)!;
        const first = JSON.stringify(valueAt(value, p))[0];
        expect({ p, at: lines[line - 1]![column - 1] }).toEqual({ p, at: first });
      }
    }),
    { numRuns: 500 },
  );
});

test("the JSON locator's root, asked alone, is where a scan for it finds it (white space and lines before it, inside a larger file)", () => {
  const space = fc.array(fc.constantFrom(' ', '\t', '\r', '\n', '\r\n'), { maxLength: 6 }).map((s) => s.join(''));
  fc.assert(
    fc.property(
      space,
      fc.jsonValue({ maxDepth: 2 }),
      fc.nat({ max: 2 }),
      fc.integer({ min: 1, max: 9 }),
      fc.integer({ min: 1, max: 9 }),
      (before, value, indent, line, column) => {
        const text = `${before}${JSON.stringify(value, null, indent)}`;
        const alone = new JsonLocator(text, line, column).locate('');
        const scanned = new JsonLocator(text, line, column).locateAll(['', '/0']).get('');
        expect(alone).toEqual(scanned);
      },
    ),
    { numRuns: 1000 },
  );
  // Nothing but white space: the base position, as a scan that finds nothing gives it.
  expect(new JsonLocator(' \n ', 3, 4).locate('')).toEqual(new JsonLocator(' \n ', 3, 4).locateAll(['', '/x']).get(''));
});

test('the JSON depth check finds a level beyond the limit exactly when the value has one, at its bracket, strings with brackets and quotes skipped', () => {
  const depthOf = (v: unknown): number =>
    Array.isArray(v)
      ? 1 + Math.max(0, ...v.map(depthOf))
      : v !== null && typeof v === 'object'
        ? 1 + Math.max(0, ...Object.values(v).map(depthOf))
        : 0;
  const tricky = fc.constantFrom('[', ']', '{', '}', '"', '\\', '\\"', '\\\\', 'a"b[c');
  const value = fc.letrec((tie) => ({
    node: fc.oneof(
      { depthSize: 'small' },
      fc.string(),
      tricky,
      fc.integer(),
      fc.array(tie('node'), { maxLength: 3 }),
      fc.dictionary(fc.oneof(fc.string(), tricky), tie('node'), { maxKeys: 3 }),
    ),
  })).node;
  fc.assert(
    fc.property(value, fc.integer({ min: 1, max: 5 }), fc.nat({ max: 2 }), (v, max, indent) => {
      const text = JSON.stringify(v, null, indent);
      const at = tooDeepAt(text, max);
      expect({ text, max, deeper: at >= 0 }).toEqual({ text, max, deeper: depthOf(v) > max });
      // The first bracket beyond the limit, as a plain reading of every character finds it.
      let depth = 0;
      let inString = false;
      let first = -1;
      for (let i = 0; i < text.length && first < 0; i++) {
        const c = text[i];
        if (inString) {
          if (c === '\\') i++;
          else if (c === '"') inString = false;
        } else if (c === '"') inString = true;
        else if (c === '[' || c === '{') {
          if (++depth > max) first = i;
        } else if (c === ']' || c === '}') depth--;
      }
      expect({ text, at }).toEqual({ text, at: first });
    }),
    { numRuns: 3000 },
  );
});
