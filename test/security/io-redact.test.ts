/**
 * Issue 19, item 9: `--redact`. Property: over charts whose names, ids, notes and file names are
 * random, with random spacing and quotes, no identifying string appears in any of the 8 formats
 * of a redacted run (while the same run without --redact shows them, so the property has
 * something to find). Without B12LINT_REDACT_KEY the run says, in one line, that its hashes can be
 * guessed; fingerprints are keyed like ids. The substring search that replaced the regular
 * expression gives what the expression gave, and the one-shot HMAC is HMAC-SHA256.
 * (Its speed is a `npm run bench` row, not a test.)
 */
import { createHmac } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { REDACT_PUBLIC_KEY } from '../../src/cli/main.js';
import type { Finding } from '../../src/finding.js';
import { FORMATTERS } from '../../src/report/index.js';
import { hmacSha256, Redactor, sensitiveKey } from '../../src/report/redact.js';
import type { Report } from '../../src/report/types.js';
import { spacing } from '../../src/rules/template.js';
import { cli } from '../helpers/cli.js';
import { chart, scratches } from '../helpers/scratch.js';

const folder = scratches('b12lint-io-redact-');

/** A ruleset that quotes what identifies a patient in its messages: chart and encounter ids, the patient's id and birth date, note excerpts. */
const PHI_RULES = [
  'ruleset: test/phi',
  'extends: [b12lint:recommended]',
  'rules:',
  '  - id: quotes-the-note',
  '    severity: warning',
  '    title: Quotes a note',
  '    on: encounter',
  '    when: { text: { terms: [injection] } }',
  '    message: "Chart {{chart.id}}, encounter {{encounter.id}}: \\"{{text.excerpt}}\\""',
  '  - id: names-the-patient',
  '    severity: info',
  '    title: Names the patient',
  '    on: chart',
  '    when: { field: { path: patient.id, exists: true } }',
  '    message: "Patient {{field.patient.id}}, chart {{chart.id}}"',
  '',
].join('\n');

/**
 * A token no format writes by itself: `QX` (never in a hex hash, whatever the case) and letters
 * and digits. Each identifying value holds one, so "no token in the output" means no value is.
 */
const token = fc.stringMatching(/^QX[g-z]{4}[0-9]{2}$/);
const space = fc.constantFrom('', ' ', '  ', '\t', ' \u00a0');
const quote = fc.constantFrom('', '"', "'", '`', '\u201c', '\u00ab');
/** A value around a token: random spacing and quotes, and a second word sometimes. */
const value: fc.Arbitrary<Value> = fc
  .tuple(space, quote, token, fc.constantFrom('', ' Jr', '  42', " O'Neil", ' ,x'), quote, space)
  .map(([a, q1, t, extra, q2, b]) => ({ text: `${a}${q1}${t}${extra}${q2}${b}`, token: t }));

interface Value {
  text: string;
  token: string;
}
type Generated = Record<'chartId' | 'patientId' | 'given' | 'family' | 'birth' | 'encounter' | 'noteName' | 'file', Value>;
const patientChart: fc.Arbitrary<Generated> = fc.record({
  chartId: value,
  patientId: value,
  given: value,
  family: value,
  birth: value,
  encounter: value,
  noteName: value,
  file: value,
});

function writeCharts(dir: string, charts: readonly Generated[]): string[] {
  const tokens: string[] = [];
  charts.forEach((c, i) => {
    for (const v of Object.values(c)) tokens.push(v.token);
    const base = chart('placeholder') as { encounters: { id: string; notes: { text: string }[] }[] };
    const doc = {
      ...base,
      chartId: c.chartId.text,
      patient: {
        id: c.patientId.text,
        birthDate: `${c.birth.text} 1961`,
        sex: 'female',
        name: { given: [c.given.text], family: c.family.text },
      },
      encounters: [
        {
          ...base.encounters[0]!,
          id: c.encounter.text,
          notes: [
            {
              section: 'assessment',
              text: `Seen with ${c.noteName.text} today, ${c.given.text}${c.family.text} agreed. Plan B12 injection today.`,
            },
          ],
        },
      ],
    };
    // File names are written by patient too; a number keeps two charts' names apart.
    writeFileSync(join(dir, `${i} ${c.file.text.replace(/[/\u0000]/g, '')}.json`), JSON.stringify(doc, null, 2));
  });
  return [...new Set(tokens)];
}

const FORMATS = [...FORMATTERS.keys()];

test('the property covers every format (the eight of the issue and the queries drafts)', () => {
  expect(FORMATS).toHaveLength(9);
});

test('property: names, ids, notes and file names with random spacing and quotes leave no trace in any format of a redacted report', async () => {
  const s = folder();
  s.write('phi.yaml', PHI_RULES);
  let n = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(patientChart, { minLength: 2, maxLength: 5 }), async (charts) => {
      const run = join(s.dir, `run-${n++}`);
      mkdirSync(join(run, 'charts'), { recursive: true });
      const tokens = writeCharts(join(run, 'charts'), charts);
      const args = ['--no-config-lookup', '--ruleset', join(s.dir, 'phi.yaml'), 'charts'];
      // Without --redact the tokens show (chart ids, at least): the property has something to find.
      const plain = cli([...args, '-f', 'json'], { cwd: run });
      expect(plain.code).toBe(1);
      for (const c of charts) expect(plain.stdout).toContain(c.chartId.token);
      // Every format in one run: stylish to stdout, the others to files.
      const targets = FORMATS.filter((f) => f !== 'stylish').map((f) => `${f}:out/report.${f}`);
      const redacted = cli([...args, '--redact', ...targets.flatMap((t) => ['-f', t]), '-f', 'stylish'], {
        cwd: run,
        env: { B12LINT_REDACT_KEY: 'k' },
      });
      expect([redacted.code, redacted.stderr]).toEqual([1, '']);
      const outputs: [string, string][] = [
        ['stylish', redacted.stdout],
        ...FORMATS.filter((f) => f !== 'stylish').map((f): [string, string] => [f, readFileSync(join(run, 'out', `report.${f}`), 'utf8')]),
      ];
      for (const [format, text] of outputs) {
        const lower = text.toLowerCase();
        const leaked = tokens.filter((t) => lower.includes(t.toLowerCase()));
        expect({ format, leaked }).toEqual({ format, leaked: [] });
        expect(text).toContain('redacted');
      }
    }),
    { numRuns: 6, endOnFailure: true },
  ); // each example costs two runs of the CLI: no shrinking
});

describe('without B12LINT_REDACT_KEY', () => {
  const s = folder();
  s.write('c.json', JSON.stringify(chart('MRN-4411')));
  const run = (env: Record<string, string> = {}): ReturnType<typeof cli> =>
    cli(['--no-config-lookup', '--redact', '-f', 'json', 'c.json'], { cwd: s.dir, env });

  test('--redact says in one line that its hashes use a public key; with a key it says nothing', () => {
    expect(run().stderr).toBe(`b12lint: warning: ${REDACT_PUBLIC_KEY}\n`);
    expect(REDACT_PUBLIC_KEY).toMatch(/public key.*recovered by hashing guesses/);
    expect(run({ B12LINT_REDACT_KEY: 'secret' }).stderr).toBe('');
  });

  test('fingerprints are keyed like ids: neither the plain fingerprint nor one another key would give', () => {
    const plain = cli(['--no-config-lookup', '-f', 'json', 'c.json'], { cwd: s.dir });
    const fingerprints = (text: string): string[] =>
      (JSON.parse(text) as Report).results.flatMap((r) => r.findings.map((f) => f.fingerprint));
    const [open, publicKey, keyed] = [
      fingerprints(plain.stdout),
      fingerprints(run().stdout),
      fingerprints(run({ B12LINT_REDACT_KEY: 'secret' }).stdout),
    ];
    expect(open.length).toBeGreaterThan(0);
    for (const list of [publicKey, keyed]) {
      expect(list).toHaveLength(open.length);
      expect(list.every((f) => /^[0-9a-f]{16}$/.test(f))).toBe(true);
      expect(list.some((f) => open.includes(f))).toBe(false);
    }
    expect(keyed.some((f) => publicKey.includes(f))).toBe(false);
    expect(fingerprints(run().stdout)).toEqual(publicKey); // stable across runs
  });
});

describe('the pieces', () => {
  test('property: the one-shot HMAC is HMAC-SHA256, for any key (longer than a block too) and any text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 100, unit: 'binary' }), fc.string({ unit: 'binary' }), (key, text) => {
        expect(hmacSha256(key)(text)).toBe(createHmac('sha256', key).update(text).digest('hex'));
      }),
      { numRuns: 300 },
    );
  });

  /** What redaction did before (a regular expression of every value, longest first): the oracle. */
  function byRegExp(s: string, values: readonly string[], hash: (v: string) => string): string {
    const unique = [...new Set(values.filter((v) => v.trim().length >= 2))].sort((a, b) => b.length - a.length);
    if (unique.length === 0) return s;
    const edge = /[\p{L}\p{N}]/u;
    const parts = unique.map(
      (v) =>
        `${edge.test(v[0]!) ? '(?<![\\p{L}\\p{N}])' : ''}${v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}${edge.test(v[v.length - 1]!) ? '(?![\\p{L}\\p{N}])' : ''}`,
    );
    return s.replace(new RegExp(parts.join('|'), 'gu'), hash);
  }

  test('property: replacing values by substring search gives what the regular expression gave (and finds them as messages space them)', () => {
    const piece = fc.constantFrom('ab', 'abc', 'b c', 'Zoë', 'x1', '"q"', ' ', 'é', '-', '12', 'ab ab');
    const text = fc.array(piece, { maxLength: 12 }).map((p) => p.join(''));
    fc.assert(
      fc.property(
        text,
        fc.array(
          fc.array(piece, { minLength: 1, maxLength: 3 }).map((p) => p.join('')),
          { maxLength: 5 },
        ),
        (message, values) => {
          const redactor = new Redactor({ sensitive: new Map([[sensitiveKey('f.json', 'C'), values]]) });
          const f: Finding = {
            ruleId: 'r',
            severity: 'info',
            message,
            chartId: 'C',
            line: 1,
            column: 1,
            pointer: '',
            fingerprint: '0123456789abcdef',
            evidence: [],
          };
          // Each value also as a message spaces it (src/rules/template.ts), as redaction looks for it.
          const spaced = [...values, 'C'].flatMap((v) => [v, spacing(v)]).filter((v) => v.length >= 2);
          expect(redactor.finding('f.json', f).message).toBe(byRegExp(message, spaced, redactor.hash));
        },
      ),
      { numRuns: 500 },
    );
  });
});
