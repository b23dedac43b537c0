/**
 * Issue 19, item 5: `b12lint merge` trusts no shard report. The issue's tampered shard (a severity
 * of `warning" onmouseover="alert(1)` and a line of `1"><script>`) broke JUnit's XML, was counted
 * as info by stylish (exit 0: the gate passed) and crashed the HTML format. Every shard is now
 * validated against schemas/report.schema.json and against the merge's ruleset, and a bad one is
 * refused by file name and reason, exit 2, nothing written, in every format. Formats escape every
 * attribute whatever its source, and no format crashes on a report no CLI path lets through.
 */
import { copyFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FORMATTERS } from '../../src/report/index.js';
import { countSeverities } from '../../src/report/filter.js';
import type { Finding } from '../../src/finding.js';
import type { Report } from '../../src/report/types.js';
import { exitCode } from '../../src/run/run.js';
import { cli, ROOT } from '../helpers/cli.js';
import { scratches } from '../helpers/scratch.js';
import { junitProblems } from '../helpers/validate.js';
import { unsafeLines } from './hostile.js';

const scratch = scratches('b12lint-merge-');

/** Odd but honest file names and chart ids: what an escaped attribute must hold. */
const ODD_NAME = "q\"><img src=x onerror=alert(1)> & 'x'.yaml";

/** A folder of charts linted in two shards; each shard's JSON report, parsed, and the whole run's. */
function shardedRun(): { dir: string; shards: Report[] } {
  const { dir } = scratch();
  for (const f of readdirSync(join(ROOT, 'fixtures/charts'))) copyFileSync(join(ROOT, 'fixtures/charts', f), join(dir, f));
  copyFileSync(join(ROOT, 'fixtures/charts/p-0001.yaml'), join(dir, ODD_NAME));
  const shards = [1, 2].map((i) => {
    const r = cli(['--shard', `${i}/2`, '-f', `json:shard-${i}.json`, '.'], { cwd: dir });
    expect(r.stderr).toBe('');
    return JSON.parse(readFileSync(join(dir, `shard-${i}.json`), 'utf8')) as Report;
  });
  return { dir, shards };
}

const run = shardedRun();

type Pick = (f: Finding) => boolean;
const ENGINE = ['parse-error', 'chart-format', 'read-error', 'internal-error'];

/** The place of the first finding that `pick` accepts: its shard, file and index. */
function target(pick: Pick = () => true): { shard: number; file: number; finding: number } {
  for (const [shard, s] of run.shards.entries()) {
    for (const [file, r] of s.results.entries()) {
      const finding = r.findings.findIndex(pick);
      if (finding >= 0) return { shard, file, finding };
    }
  }
  throw new Error('no such finding in the shards');
}

/** Writes a tampered copy of a shard (`tamper` edits a deep copy) and merges it with the other, in `format`. */
function mergeTampered(name: string, tamper: (r: Report, at: ReturnType<typeof target>) => void, format = 'stylish', pick?: Pick) {
  const at = target(pick);
  const copy = JSON.parse(JSON.stringify(run.shards[at.shard])) as Report;
  tamper(copy, at);
  writeFileSync(join(run.dir, name), JSON.stringify(copy, null, 2));
  const other = `shard-${2 - at.shard}.json`;
  return cli(['merge', other, name, '-f', format], { cwd: run.dir });
}

const findingAt = (r: Report, at: ReturnType<typeof target>) => r.results[at.file]!.findings[at.finding]!;

describe('a tampered shard is refused by name and reason, exit 2, nothing written', () => {
  test.each([...FORMATTERS.keys()])("the issue's shard (a severity and a line that inject markup), in %s", (format) => {
    const r = mergeTampered(
      'tampered.json',
      (copy, at) => {
        Object.assign(findingAt(copy, at), { severity: 'warning" onmouseover="alert(1)', line: '1"><script>' });
      },
      format,
    );
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(
      /^b12lint: tampered\.json is not a valid b12lint JSON report: at \/results\/\d+\/findings\/\d+\/severity, bad severity .*: use error, warning or info\. \(and 1 more problem\)\n$/,
    );
    expect(unsafeLines(r.stderr)).toEqual([]);
  });

  test('an unknown severity, with the summary made to agree, is refused: never counted as info (exit 0)', () => {
    const r = mergeTampered('unknown-severity.json', (copy, at) => {
      const f = findingAt(copy, at);
      const key = ({ error: 'errors', warning: 'warnings', info: 'infos' } as const)[f.severity];
      copy.summary[key]--;
      f.severity = 'critical' as never;
    });
    expect(r).toEqual({
      code: 2,
      stdout: '',
      stderr: expect.stringMatching(
        /^b12lint: unknown-severity\.json is not a valid b12lint JSON report: at \/results\/\d+\/findings\/\d+\/severity, bad severity "critical": use error, warning or info\./,
      ),
    });
  });

  test("a finding lowered below its rule's severity is refused", () => {
    const r = mergeTampered(
      'lowered.json',
      (copy, at) => {
        findingAt(copy, at).severity = 'info';
        copy.summary.errors--;
        copy.summary.infos++;
      },
      'stylish',
      (f) => f.severity === 'error' && !ENGINE.includes(f.ruleId),
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^b12lint: lowered\.json has a finding of [a-z0-9-]+ in \S+ at severity info, but the rule's severity is error\n$/,
    );
  });

  test('a rule the ruleset does not run, a summary that does not add up, an unknown key, a line that is not a whole number', () => {
    const rule = mergeTampered('rule.json', (copy, at) => {
      findingAt(copy, at).ruleId = 'made-up-rule';
    });
    expect([rule.code, rule.stderr]).toEqual([
      2,
      expect.stringMatching(/^b12lint: rule\.json has a finding of rule "made-up-rule" in \S+, which the ruleset does not run\n$/),
    ]);
    const sum = mergeTampered('sum.json', (copy) => {
      copy.summary.errors += 1;
    });
    expect([sum.code, sum.stderr]).toEqual([2, expect.stringMatching(/^b12lint: sum\.json does not add up: its summary counts /)]);
    const key = mergeTampered('key.json', (copy, at) => {
      Object.assign(findingAt(copy, at), { onclick: 'x' });
    });
    expect([key.code, key.stderr]).toEqual([
      2,
      expect.stringMatching(
        /^b12lint: key\.json is not a valid b12lint JSON report: at \/results\/\d+\/findings\/\d+\/onclick, unknown key `onclick` in a finding\.\n$/,
      ),
    ]);
    // A note's section is one of the chart model's: anything else is no b12lint report.
    const section = mergeTampered(
      'section.json',
      (copy, at) => {
        findingAt(copy, at).evidence.find((e) => e.kind === 'note')!.section = '\u001b[2J<b>plan</b>';
      },
      'stylish',
      (f) => f.evidence.some((e) => e.kind === 'note'),
    );
    expect([section.code, section.stderr]).toEqual([
      2,
      expect.stringMatching(
        /^b12lint: section\.json is not a valid b12lint JSON report: at \/results\/\d+\/findings\/\d+\/evidence\/\d+\/section, /,
      ),
    ]);
    expect(section.stderr).not.toContain('\u001b');
    const line = mergeTampered('line.json', (copy, at) => {
      findingAt(copy, at).line = 2.5;
    });
    expect([line.code, line.stderr]).toEqual([
      2,
      expect.stringMatching(
        /^b12lint: line\.json is not a valid b12lint JSON report: at \/results\/\d+\/findings\/\d+\/line, `line` takes a whole number; found the number 2\.5\n$/,
      ),
    ]);
  });

  test('a shard header of another ruleset, or a shard beyond the count, is refused', () => {
    const hash = mergeTampered('hash.json', (copy) => {
      copy.shard!.ruleset = '0'.repeat(64);
    });
    expect([hash.code, hash.stderr]).toEqual([
      2,
      expect.stringMatching(/^b12lint: hash\.json was made by another b12lint version or build, ruleset or config than /),
    ]);
    const beyond = mergeTampered('beyond.json', (copy) => {
      copy.shard!.index = 3;
    });
    expect([beyond.code, beyond.stderr]).toEqual([2, 'b12lint: beyond.json says it is shard 3 of 2, which does not exist\n']);
    const notHex = mergeTampered('not-hex.json', (copy) => {
      copy.shard!.ruleset = '"><script>';
    });
    expect([notHex.code, notHex.stderr]).toEqual([
      2,
      expect.stringMatching(/^b12lint: not-hex\.json is not a valid b12lint JSON report: at \/shard\/ruleset, /),
    ]);
  });
});

describe('every attribute is escaped, whatever its source', () => {
  test('the honest shards merge; JUnit is valid XML and HTML holds no markup of a file name', async () => {
    const junit = cli(['merge', 'shard-1.json', 'shard-2.json', '-f', 'junit'], { cwd: run.dir });
    expect(junit.stderr).toBe('');
    expect(junit.code).toBe(1);
    expect(junit.stdout).toContain('name="q&quot;&gt;&lt;img src=x onerror=alert(1)&gt; &amp; \'x\'.yaml"');
    const problems = await junitProblems(junit.stdout);
    if (problems) expect(problems).toEqual([]);
    const html = cli(['merge', 'shard-1.json', 'shard-2.json', '-f', 'html'], { cwd: run.dir });
    expect(html.code).toBe(1);
    expect(html.stdout).not.toContain('<img src=x');
  });

  /** A report that `merge` no longer lets through, handed to the formatters themselves (defence in depth). */
  function oddReport(): Report {
    const report = JSON.parse(JSON.stringify(run.shards[target().shard])) as Report;
    const f = findingAt(report, target());
    Object.assign(f, { severity: 'warning" onmouseover="alert(1)', line: '1"><script>' });
    return report;
  }

  test.each([...FORMATTERS.keys()])('%s does not crash on a severity and a line no schema allows, and injects no attribute', (name) => {
    const out = FORMATTERS.get(name)!(oddReport(), { color: false, timestamp: '2026-01-01T00:00:00"><x a="', hostname: 'h"><x' });
    expect(typeof out).toBe('string');
    if (name === 'junit') {
      expect(out).toContain('type="warning&quot; onmouseover=&quot;alert(1)"');
      expect(out).toContain('timestamp="2026-01-01T00:00:00&quot;&gt;&lt;x a=&quot;"');
    }
    if (name === 'html') expect(out).not.toMatch(/onmouseover="/);
  });

  test('an unknown severity counts as an error, never less: in the summary and in the exit code', () => {
    const report = oddReport();
    expect(countSeverities(report.results).errors).toBeGreaterThan(0);
    expect(exitCode(report, 'error', undefined)).toBe(1);
  });
});
