/**
 * The HTML report's markup: the same numbers as the JSON report, everything escaped, the data
 * embedded safely, no more chart text than a few lines per finding and none when redacted.
 * (The page's behaviour in a browser is test/browser/html-report.test.ts.)
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SEVERITIES, type Finding, type Severity } from '../src/finding.js';
import { html } from '../src/report/html.js';
import { clipLine, CONTEXT_LINES, MAX_LINE_CHARS, type HtmlData } from '../src/report/html/data.js';
import type { FileResult, FormatOptions, Report, SourceLines } from '../src/report/types.js';
import { cli, cliJson } from './helpers/cli.js';

function embedded(page: string): { raw: string; data: HtmlData } {
  const m = /<script type="application\/json" id="b12-data">([^]*?)<\/script>/.exec(page);
  if (!m) throw new Error('no embedded data');
  return { raw: m[1]!, data: JSON.parse(m[1]!) as HtmlData };
}

function summaryValues(page: string): Record<string, string> {
  return Object.fromEntries([...page.matchAll(/data-summary="(\w+)"[^>]*>([^<]*)</g)].map((m) => [m[1]!, m[2]!]));
}

function finding(over: Partial<Finding> = {}): Finding {
  return {
    ruleId: 'rule-a',
    severity: 'error',
    message: 'm',
    chartId: 'C1',
    encounterId: 'E1',
    line: 10,
    column: 3,
    pointer: '/x',
    fingerprint: '0123456789abcdef',
    evidence: [],
    ...over,
  };
}

function report(files: Omit<FileResult, 'charts'>[], name = 'test:rules'): Report {
  const results = files.map((r) => ({ ...r, charts: [] }));
  const count = (s: Severity): number => results.reduce((n, r) => n + r.findings.filter((f) => f.severity === s).length, 0);
  return {
    tool: { name: 'b12lint', version: '9.9.9' },
    ruleset: { name, rules: 3 },
    summary: {
      files: results.length,
      charts: results.length,
      encounters: results.length,
      errors: count('error'),
      warnings: count('warning'),
      infos: count('info'),
    },
    results,
  };
}

const OPTIONS: FormatOptions = { color: false };

describe('b12lint --format html on fixtures/charts', () => {
  test("shows the JSON report's numbers and embeds every finding", () => {
    const { report: json } = cliJson(['fixtures/charts']);
    const r = cli(['fixtures/charts', '--format', 'html']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    const s = json.summary;
    expect(summaryValues(r.stdout)).toMatchObject({
      files: String(s.files),
      charts: String(s.charts),
      encounters: String(s.encounters),
      errors: String(s.errors),
      warnings: String(s.warnings),
      infos: String(s.infos),
      findings: String(s.errors + s.warnings + s.infos),
      version: json.tool.version,
    });
    expect(r.stdout).toContain(`data-summary="ruleset" class="small">${json.ruleset.name}<br>${json.ruleset.rules} rules`);
    expect(r.stdout).toMatch(
      /data-summary="timestamp" class="small"><time datetime="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ">\d{4}-\d\d-\d\d \d\d:\d\d UTC</,
    );
    const { data } = embedded(r.stdout);
    const all = json.results.flatMap((res) => res.findings.map((f) => ({ ...f, file: res.file })));
    expect(
      data.findings.map((f) => [data.severities[f[0]], data.rules[f[1]]!.id, data.files[f[2]], f[3], f[4], data.messages[f[7]]]),
    ).toEqual(all.map((f) => [f.severity, f.ruleId, f.file, f.line, f.column, f.message]));
  });

  test('-o writes the page to a file and the summary line to the terminal', () => {
    const dir = mkdtempSync(join(tmpdir(), 'b12-html-'));
    try {
      const out = join(dir, 'report.html');
      const r = cli(['fixtures/charts', '--format', 'html', '-o', out]);
      expect(r.code).toBe(1);
      const s = cliJson(['fixtures/charts']).report.summary;
      expect(r.stdout).toMatch(new RegExp(`^✖ ${s.errors + s.warnings + s.infos} problems \\(`));
      const page = readFileSync(out, 'utf8');
      expect(page.startsWith('<!doctype html>')).toBe(true);
      // The chart lines around the finding at p-0001.yaml:15 come from the file itself.
      const { data } = embedded(page);
      const file = data.files.indexOf('fixtures/charts/p-0001.yaml');
      expect(data.sources[file]![15]).toBe('      - code: J3420');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('html formatter', () => {
  const EVIL = '</script><script>alert(1)</script><!--<img src=x onerror=alert(2)>"\'&';

  test('escapes markup from every report string, and embeds it as JSON that cannot close its element', () => {
    const r = report(
      [
        {
          file: `charts/${EVIL}.yaml`,
          findings: [
            finding({
              ruleId: `r-${EVIL}`,
              message: EVIL,
              chartId: EVIL,
              encounterId: EVIL,
              evidence: [{ kind: 'note', pointer: '/n', section: 'plan', excerpt: EVIL }],
            }),
          ],
        },
      ],
      EVIL,
    );
    const sources: SourceLines = (_file, lines) => new Map([...lines].map((n) => [n, EVIL]));
    const page = html(r, { ...OPTIONS, sources, timestamp: EVIL });
    // Exactly the report's own two script elements, and no element from the strings.
    expect(page.match(/<script/g)).toHaveLength(2);
    expect(page).not.toMatch(/<img|<!--/);
    expect(page).toContain('&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;!--&lt;img src=x onerror=alert(2)&gt;&quot;&#39;&amp;');
    const { raw, data } = embedded(page);
    expect(raw).not.toMatch(/[<>&\u2028\u2029]/);
    expect(data.messages[data.findings[0]![7]]).toBe(EVIL);
    expect(data.findings[0]![5]).toBe(EVIL);
    expect(data.findings[0]![8]).toEqual([`plan note "${EVIL}"`]);
    expect(data.rules[0]!.id).toBe(`r-${EVIL}`);
    expect(data.files[0]).toBe(`charts/${EVIL}.yaml`);
    expect(data.sources[0]![10]).toBe(EVIL);
  });

  test('the Content-Security-Policy allows the inline script and style by hash, and nothing else', () => {
    const page = html(report([{ file: 'a.yaml', findings: [finding()] }]), OPTIONS);
    const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(page)![1]!.replace(/&#39;/g, "'");
    const hash = (s: string): string => `'sha256-${createHash('sha256').update(s).digest('base64')}'`;
    const script = /<script>([^]*?)<\/script>/.exec(page)![1]!;
    const style = /<style>([^]*?)<\/style>/.exec(page)![1]!;
    expect(csp).toBe(`default-src 'none'; script-src ${hash(script)}; style-src ${hash(style)}; base-uri 'none'; form-action 'none'`);
    expect(page).not.toMatch(/\b(src|href)="(https?:)?\/\//);
  });

  test('asks only for the lines around findings, and keeps only those', () => {
    const asked: [string, number[]][] = [];
    const sources: SourceLines = (file, lines) => {
      asked.push([file, [...lines].sort((a, b) => a - b)]);
      return new Map(Array.from({ length: 100 }, (_, i) => [i + 1, `line ${i + 1}`]));
    };
    const r = report([
      { file: 'a.yaml', findings: [finding({ line: 1 }), finding({ line: 20 }), finding({ line: 22 })] },
      { file: 'clean.yaml', findings: [] },
    ]);
    const { data } = embedded(html(r, { ...OPTIONS, sources }));
    expect(CONTEXT_LINES).toBe(2);
    expect(asked).toEqual([['a.yaml', [1, 2, 3, 18, 19, 20, 21, 22, 23, 24]]]);
    expect(
      Object.keys(data.sources[0]!)
        .map(Number)
        .sort((a, b) => a - b),
    ).toEqual([1, 2, 3, 18, 19, 20, 21, 22, 23, 24]);
  });

  test("NDJSON: only the finding's own line, since the lines around it are other charts", () => {
    const asked: number[][] = [];
    const sources: SourceLines = (_file, lines) => {
      asked.push([...lines].sort((a, b) => a - b));
      return new Map([...lines].map((n) => [n, `chart ${n}`]));
    };
    const { data } = embedded(
      html(report([{ file: 'batch.ndjson', findings: [finding({ line: 5 }), finding({ line: 9 })] }]), { ...OPTIONS, sources }),
    );
    expect(asked).toEqual([[5, 9]]);
    expect(data.sources[0]).toEqual({ 5: 'chart 5', 9: 'chart 9' });
    expect(data.context).toEqual([0]);
  });

  test("a file of several charts (a YAML stream): the lines around a finding stop at its own chart's bounds, never another patient's", () => {
    const asked: number[][] = [];
    const sources: SourceLines = (_file, lines) => {
      asked.push([...lines].sort((a, b) => a - b));
      return new Map([...lines].map((n) => [n, `line ${n}`]));
    };
    const r = report([{ file: 'stream.yaml', findings: [finding({ line: 8 }), finding({ line: 6 })] }]);
    r.results[0]!.charts = [
      { chartId: 'OTHER', line: 1, column: 1, pointer: '' },
      { chartId: 'C2', line: 8, column: 1, pointer: '' },
    ];
    html(r, { ...OPTIONS, sources });
    // Line 8 begins chart C2: nothing of chart OTHER above it; line 6 (in OTHER) stops at line 7.
    expect(asked).toEqual([[4, 5, 6, 7, 8, 9, 10]]);
    const one = report([{ file: 'stream.yaml', findings: [finding({ line: 8 })] }]);
    one.results[0]!.charts = r.results[0]!.charts;
    const only: number[][] = [];
    html(one, {
      ...OPTIONS,
      sources: (_f, lines) => {
        only.push([...lines].sort((a, b) => a - b));
        return new Map();
      },
    });
    expect(only).toEqual([[8, 9, 10]]);
  });

  test('redacted: no chart lines, whatever the sources, and the page says so', () => {
    let called = false;
    const sources: SourceLines = () => {
      called = true;
      return new Map([[10, 'SECRET']]);
    };
    const page = html(report([{ file: 'a.yaml', findings: [finding()] }]), { ...OPTIONS, sources, redact: true });
    expect(called).toBe(false);
    expect(page).not.toContain('SECRET');
    expect(embedded(page).data).toMatchObject({ sources: {}, redacted: true });
    expect(page).toContain('<strong>Redacted:</strong>');
  });

  test('a file that cannot be read gives no chart lines and still lists its findings', () => {
    const page = html(report([{ file: 'gone.yaml', findings: [finding()] }]), { ...OPTIONS, sources: () => undefined });
    expect(embedded(page).data).toMatchObject({ sources: {}, findings: [expect.any(Array)] });
  });

  test('50,000 findings are data for the script, not 50,000 rows of markup', () => {
    const files = Array.from({ length: 500 }, (_, i) => ({
      file: `charts/f${String(i).padStart(3, '0')}.ndjson`,
      findings: Array.from({ length: 100 }, (_, j) =>
        finding({ line: j + 1, ruleId: `rule-${j % 30}`, severity: SEVERITIES[j % 3]!, chartId: `C-${i}-${j}` }),
      ),
    }));
    const r = report(files);
    const page = html(r, OPTIONS);
    const { data } = embedded(page);
    expect(data.findings).toHaveLength(50_000);
    expect(summaryValues(page)).toMatchObject({ findings: '50,000', errors: r.summary.errors.toLocaleString('en-US') });
    expect(page.match(/<tr/g)!.length).toBeLessThan(20);
    // Top ten files; 20 rule bars and one for the other 10 rules.
    expect(page.match(/data-filter-file=/g)).toHaveLength(10);
    expect(page).toContain('>10 other rules</text>');
    expect(page.match(/<g><title>/g)).toHaveLength(21);
  });

  test('the same report gives the same page; the run time appears only when given', () => {
    const r = report([{ file: 'a.yaml', findings: [finding()] }]);
    expect(html(r, OPTIONS)).toBe(html(r, OPTIONS));
    expect(html(r, OPTIONS)).not.toContain('data-summary="timestamp"');
    expect(html(r, { ...OPTIONS, timestamp: '2026-10-05T07:30:00' })).toContain(
      '<time datetime="2026-10-05T07:30:00Z">2026-10-05 07:30 UTC</time>',
    );
  });

  test('links each rule to its doc page, relative to the report', () => {
    const { data } = embedded(
      html(report([{ file: 'a.yaml', findings: [finding()] }]), {
        ...OPTIONS,
        rules: [{ id: 'rule-a', title: 'Rule A', severity: 'error', docs: 'Why.' }],
      }),
    );
    expect(data.docsHref.replace('{id}', 'rule-a')).toBe('docs/rules/rule-a.md');
    expect(data.rules).toEqual([{ id: 'rule-a', title: 'Rule A', docs: 'Why.' }]);
  });

  test('an empty report says there are no findings', () => {
    const page = html(report([{ file: 'a.yaml', findings: [] }]), OPTIONS);
    expect(summaryValues(page)).toMatchObject({ findings: '0', files: '1' });
    expect(page).toContain('<h2 id="rules-heading">Findings by rule</h2><p>No findings.</p>');
  });
});

describe('clipLine', () => {
  test('keeps a short line whole', () => {
    expect(clipLine('  - code: J3420', [5])).toBe('  - code: J3420');
  });

  test("cuts a long line to a window around each finding's column", () => {
    const line = `${'a'.repeat(1000)}NEEDLE${'b'.repeat(1000)}`;
    const clipped = clipLine(line, [1001]);
    expect(clipped).toContain('NEEDLE');
    expect(clipped.startsWith('…')).toBe(true);
    expect(clipped.endsWith('…')).toBe(true);
    expect(clipped.length).toBe(MAX_LINE_CHARS + 2);
    const two = clipLine(`${line}${'c'.repeat(1000)}FOUND${'d'.repeat(1000)}`, [1001, 3007]);
    expect(two).toMatch(/NEEDLE[^]* … [^]*FOUND/);
  });

  test('never cuts a character written as a surrogate pair in half, at either end of any window', () => {
    const line = '𝔘'.repeat(2000); // each two UTF-16 units
    for (const column of [1, 2, 3, 500, 1001, 1002, 3999])
      for (const part of clipLine(line, [column]).split('…')) expect([column, /^(?:𝔘)*$/u.test(part)]).toEqual([column, true]);
  });
});
