/**
 * The CI report formats, end to end: one run of the built CLI writes every format, each is
 * checked against its official schema where there is one (SARIF, JUnit) and against the JSON
 * report of the same run, on the CI fixture charts plus a chart whose text and file name hold
 * every character a format must escape. The text formats show control characters of chart text
 * and file names as visible escapes (src/core/printable.ts; test/security/ has the hostile cases).
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { printable, printableDeep } from '../src/core/printable.js';
import { plainText } from '../src/report/sarif.js';
import { describeEvidence, summaryLine } from '../src/report/stylish.js';
import type { Report } from '../src/report/types.js';
import { cli, ROOT } from './helpers/cli.js';
import { repoScratch } from './helpers/scratch.js';
import { testShared } from './helpers/shared.js';
import { junitProblems, sarifProblems } from './helpers/validate.js';

const RULESET = ['-r', 'fixtures/rulesets/ci-formats.yaml'];
/** A file name with CSV's, XML's and GitHub's special characters, and a line end. */
const ODD_NAME = `odd, 100% <&> "q" 'a' #1:x\nline [=1+1].yaml`;
const FORMATS = ['json', 'sarif', 'junit', 'github', 'codequality', 'csv'] as const;

const tmp = repoScratch('formats');
const oddDir = join(tmp.rel, 'odd');
const oddFile = `${oddDir}/${ODD_NAME}`;
const out: Record<(typeof FORMATS)[number], string> = {} as never;
let stdout = '';
let code = -1;
let report: Report;

beforeAll(() => {
  mkdirSync(join(ROOT, oddDir));
  copyFileSync(join(ROOT, 'fixtures/ci/special/odd.yaml'), join(ROOT, oddFile));
  const args = [...RULESET, 'fixtures/ci/charts', oddDir, '-f', 'stylish'];
  for (const f of FORMATS) args.push('-f', `${f}:${tmp.rel}/out/report.${f}`);
  const r = cli(args);
  code = r.code;
  stdout = r.stdout;
  for (const f of FORMATS) out[f] = readFileSync(join(tmp.dir, 'out', `report.${f}`), 'utf8');
  report = JSON.parse(out.json) as Report;
});
afterAll(() => tmp.remove());

const allFindings = () => report.results.flatMap((r) => r.findings.map((f) => ({ file: r.file, ...f })));

describe('several formats from one run', () => {
  test("stylish goes to the terminal, each name:path format to its file, and the exit code is the run's", () => {
    expect(code).toBe(1);
    expect(stdout).toMatch(/^fixtures\/ci\/charts\/a-blood-loss\.yaml$/m);
    expect(stdout).toMatch(/✖ 13 problems \(9 errors, 3 warnings, 1 info\)/);
    expect(report.summary).toMatchObject({ files: 9, errors: 9, warnings: 3, infos: 1 });
    expect(report.results.map((r) => r.file)).toContain(oddFile);
  });

  test('with no format on the terminal, the summary line is printed there', () => {
    const r = cli([...RULESET, 'fixtures/ci/charts', '-f', `sarif:${tmp.rel}/only.sarif`]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('✖ 10 problems (7 errors, 2 warnings, 1 info) in 8 of 11 charts\n');
  });

  test('two formats for the terminal, or an unknown one, are exit 2 with one line', () => {
    const two = cli([...RULESET, 'fixtures/ci/charts', '-f', 'sarif', '-f', 'junit']);
    expect(two.code).toBe(2);
    expect(two.stderr).toMatch(/^b12lint: only one format can go to standard output/);
    const unknown = cli([...RULESET, 'fixtures/ci/charts', '-f', 'sarf']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^b12lint: unknown format "sarf".*Did you mean .*sarif/);
  });

  test('-o with every format writing its own file names no report: exit 2, nothing written', () => {
    const r = cli([...RULESET, 'fixtures/ci/charts', '-f', `json:${tmp.rel}/own.json`, '-o', `${tmp.rel}/dropped.json`]);
    expect([r.code, r.stdout]).toEqual([2, '']);
    expect(r.stderr).toBe(
      'b12lint: --output-file names no report: every --format names its own file (give one format no file, or leave out -o)\n',
    );
    expect(existsSync(join(tmp.dir, 'own.json'))).toBe(false);
  });
});

describe('sarif', () => {
  testShared('schemas/sarif-schema-2.1.0.json', 'is valid SARIF 2.1.0 (the OASIS schema)', () => {
    expect(sarifProblems(out.sarif)).toEqual([]);
  });

  test('written alone to a file it is written in pieces, and is byte for byte the SARIF a run written whole gives', () => {
    const r = cli([...RULESET, 'fixtures/ci/charts', oddDir, '-f', `sarif:${tmp.rel}/alone.sarif`]);
    expect(r.code).toBe(1);
    expect(readFileSync(join(tmp.dir, 'alone.sarif'), 'utf8')).toBe(out.sarif);
  });

  test("describes every active rule and the engine's own rules in the driver", () => {
    const driver = JSON.parse(out.sarif).runs[0].tool.driver;
    expect(driver).toMatchObject({ name: 'b12lint', version: report.tool.version });
    const ids = driver.rules.map((r: { id: string }) => r.id);
    expect(ids).toEqual([
      'b12-injection-without-indication',
      'blood-loss-anemia-without-bleeding',
      'telehealth-injection-visit',
      'parse-error',
      'chart-format',
      'read-error',
      'internal-error',
    ]);
    expect(driver.rules[0]).toEqual({
      id: 'b12-injection-without-indication',
      name: 'B12InjectionWithoutIndication',
      shortDescription: { text: 'B12 injection without a linked B12 indication' },
      fullDescription: { text: 'Why it matters. A J3420 line needs a linked diagnosis that supports B12 therapy.' },
      defaultConfiguration: { level: 'error' },
      help: {
        text: 'Why it matters. A J3420 line needs a linked diagnosis that supports B12 therapy.',
        markdown: '**Why it matters.** A J3420 line needs a linked diagnosis that supports B12 therapy.',
      },
    });
    expect(driver.rules[2]).toMatchObject({
      defaultConfiguration: { level: 'note' },
      fullDescription: { text: 'Injection billed on a telehealth visit' },
    });
    expect(driver.rules[2].help).toBeUndefined();
  });

  test('has one result per finding with rule, level, message, place, fingerprint and evidence', () => {
    const run = JSON.parse(out.sarif).runs[0];
    const findings = allFindings();
    expect(run.results).toHaveLength(findings.length);
    const levels: Record<string, string> = { error: 'error', warning: 'warning', info: 'note' };
    run.results.forEach((res: any, i: number) => {
      const f = findings[i]!;
      expect(res.ruleId).toBe(f.ruleId);
      expect(run.tool.driver.rules[res.ruleIndex].id).toBe(f.ruleId);
      expect(res.level).toBe(levels[f.severity]);
      // Square brackets escaped (SARIF reads `[text](target)` as a link): the same message otherwise.
      expect(unescapeSarif(res.message.text)).toBe(f.message);
      const loc = res.locations[0].physicalLocation;
      expect(decodeURIComponent(loc.artifactLocation.uri)).toBe(f.file);
      expect(loc.region).toEqual({ startLine: f.line, startColumn: f.column });
      expect(res.partialFingerprints['b12lintFinding/v1']).toMatch(/^[0-9a-f]{64}$/);
      expect((res.relatedLocations ?? []).map((r: any) => r.physicalLocation.region.startLine)).toEqual(f.evidence.map((e) => e.line));
    });
    const prints = run.results.map((r: any) => r.partialFingerprints['b12lintFinding/v1']);
    expect(new Set(prints).size).toBe(prints.length);
  });

  test('percent-encodes the special characters of a path into a URI reference', () => {
    const uris: string[] = JSON.parse(out.sarif).runs[0].results.map((r: any) => r.locations[0].physicalLocation.artifactLocation.uri);
    expect(uris).toContain(`${oddDir}/odd%2C%20100%25%20%3C%26%3E%20%22q%22%20'a'%20%231%3Ax%0Aline%20%5B%3D1%2B1%5D.yaml`);
  });
});

/** The attributes of every element named `tag`, decoded (enough XML for these checks). */
function attributes(xml: string, tag: string): Record<string, string>[] {
  const decode = (s: string) =>
    s.replace(
      /&(lt|gt|quot|amp|#10|#13|#9);/g,
      (_, e: string) => ({ lt: '<', gt: '>', quot: '"', amp: '&', '#10': '\n', '#13': '\r', '#9': '\t' })[e]!,
    );
  return [...xml.matchAll(new RegExp(`<${tag}\\s([^>]*?)/?>`, 'g'))].map((m) =>
    Object.fromEntries([...m[1]!.matchAll(/([\w.-]+)="([^"]*)"/g)].map((a) => [a[1]!, decode(a[2]!)])),
  );
}

describe('junit', () => {
  testShared('schemas/junit-windyroad.xsd', 'is valid against the Ant JUnit schema', async () => {
    expect(await junitProblems(out.junit)).toEqual([]);
  });

  test('has one testsuite per file, with the attributes the schema requires', () => {
    const suites = attributes(out.junit, 'testsuite');
    expect(suites.map((s) => s.name)).toEqual(report.results.map((r) => printable(r.file)));
    for (const [i, s] of suites.entries()) {
      expect(s).toMatchObject({ package: 'b12lint', id: String(i), time: '0' });
      expect(s.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
      expect(s.hostname!.length).toBeGreaterThan(0);
    }
  });

  test("has one testcase per chart (named by id, else by line), failing with all of that chart's findings", () => {
    const suites = out.junit.split('<testsuite ').slice(1);
    const of = (file: string) => suites[report.results.findIndex((r) => r.file === file)]!;
    const twoCharts = of('fixtures/ci/charts/c-two-charts.yaml');
    expect(attributes(twoCharts, 'testcase').map((t) => t.name)).toEqual(['CI-C-1', 'CI-C-2']);
    expect(attributes(twoCharts, 'testsuite')).toEqual([]);
    expect(twoCharts).toMatch(/tests="2" failures="2" errors="0"/);
    const lines = of('fixtures/ci/charts/d-lines.ndjson');
    expect(attributes(lines, 'testcase').map((t) => t.name)).toEqual(['CI-D-1', 'CI-D-2', 'CI-D-3']);
    expect(lines).toMatch(/tests="3" failures="2"/);
    expect(lines).toMatch(/<testcase name="CI-D-1" classname="fixtures\/ci\/charts\/d-lines" time="0"\/>/);
    const blood = of('fixtures/ci/charts/a-blood-loss.yaml');
    expect(attributes(blood, 'failure')).toEqual([
      {
        message: '2 problems (1 error, 1 warning): blood-loss-anemia-without-bleeding, b12-injection-without-indication',
        type: 'error',
      },
    ]);
    expect(blood).toContain(
      '9:9  warning  D62 is coded in encounter E1, whose notes do not document bleeding.  (blood-loss-anemia-without-bleeding)\n',
    );
    const broken = of('fixtures/ci/charts/f-broken.json');
    expect(attributes(broken, 'testcase').map((t) => t.name)).toEqual(['(file)']);
    const noId = of('fixtures/ci/charts/g-no-id.yaml');
    expect(attributes(noId, 'testcase').map((t) => t.name)).toEqual(['chart at line 2']);
    expect(attributes(noId, 'failure')[0]!.message).toBe('2 problems (2 errors): chart-format, b12-injection-without-indication');
  });

  test('escapes the special characters of paths, chart ids and messages', () => {
    const odd = out.junit
      .split('<testsuite ')
      .slice(1)
      .find((s) => s.includes('odd, 100%'))!;
    expect(attributes(`<testsuite ${odd}`, 'testsuite')[0]!.name).toBe(printable(oddFile));
    expect(attributes(odd, 'testcase')[0]!.name).toBe('=HYPERLINK("http://x","y")');
    expect(odd).toContain('Duplicate encounter id "E1, 100% &lt;b&gt;&amp;amp;&lt;/b&gt; "q" \'a\':x\\r\\nnext line"');
  });

  /** The JUnit report of a chart whose encounter id holds control characters (made once). */
  let control: string | undefined;
  const controlJunit = (): string => {
    if (control !== undefined) return control;
    const dir = join(tmp.dir, 'control');
    mkdirSync(dir);
    writeFileSync(
      join(dir, 'ctl.yaml'),
      readFileSync(join(ROOT, 'fixtures/ci/charts/a-blood-loss.yaml'), 'utf8').replace('id: E1', 'id: "E\\x01\\x1b1"'),
    );
    control = cli([...RULESET, join(tmp.rel, 'control'), '-f', 'junit']).stdout;
    return control;
  };

  test('shows control characters as visible escapes', () => {
    expect(controlJunit()).toContain('J3420 in encounter E\\x01\\x1b1 is not linked');
  });

  testShared('schemas/junit-windyroad.xsd', 'with control characters in chart text, the report stays valid XML', async () => {
    expect(await junitProblems(controlJunit())).toEqual([]);
  });
});

/** Reverses GitHub's escaping of workflow-command values. */
const unescapeGithub = (s: string) =>
  s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%3A/g, ':').replace(/%2C/g, ',').replace(/%25/g, '%');

describe('github', () => {
  test('is one workflow command per finding, error, warning or notice', () => {
    const lines = out.github.trimEnd().split('\n');
    const findings = allFindings();
    expect(lines).toHaveLength(findings.length);
    const command: Record<string, string> = { error: 'error', warning: 'warning', info: 'notice' };
    lines.forEach((line, i) => {
      const f = findings[i]!;
      const m = /^::(\w+) file=([^,]*),line=(\d+),col=(\d+),title=([^,:]*)::(.*)$/.exec(line)!;
      expect(m).not.toBeNull();
      expect([m[1], unescapeGithub(m[2]!), Number(m[3]), Number(m[4]), m[5]]).toEqual([
        command[f.severity],
        printable(f.file),
        f.line,
        f.column,
        f.ruleId,
      ]);
      expect(unescapeGithub(m[6]!)).toBe(
        [printable(f.message), ...f.evidence.map((e) => `↳ ${describeEvidence(printableDeep(e))}`)].join('\n'),
      );
    });
  });

  test('escapes % CR LF in messages, and : , too in properties, as GitHub documents; chart line ends are visible escapes', () => {
    const file = `${oddDir}/odd%2C 100%25 <&> "q" 'a' #1%3Ax\\nline [=1+1].yaml`.replace(/:/g, '%3A').replace(/,/g, '%2C');
    expect(out.github).toContain(
      `::error file=${file},line=16,col=9,title=chart-format::Duplicate encounter id "E1, 100%25 <b>&amp;</b> "q" 'a':x\\r\\nnext line": encounter ids must be unique within a chart.\n`,
    );
    expect(out.github).toContain(
      '::notice file=fixtures/ci/charts/c-two-charts.yaml,line=5,col=5,title=telehealth-injection-visit::Encounter V1 is a telehealth visit with an injection billed.%0A↳ service J3420 on 2026-10-03 at 9:16\n',
    );
  });
});

describe('codequality', () => {
  test('is one GitLab Code Quality issue per finding, with unique fingerprints', () => {
    const issues = JSON.parse(out.codequality) as any[];
    const findings = allFindings();
    expect(issues).toHaveLength(findings.length);
    const severity: Record<string, string> = { error: 'major', warning: 'minor', info: 'info' };
    issues.forEach((issue, i) => {
      const f = findings[i]!;
      expect(issue).toEqual({
        type: 'issue',
        description: f.message,
        check_name: f.ruleId,
        fingerprint: expect.stringMatching(/^[0-9a-f]{64}$/),
        severity: severity[f.severity],
        location: { path: f.file, lines: { begin: f.line } },
      });
    });
    expect(new Set(issues.map((i) => i.fingerprint)).size).toBe(issues.length);
    expect(issues.map((i) => i.location.path)).toContain(oddFile);
  });
});

/** RFC 4180 parsing: quoted fields may hold commas, doubled quotes and line ends. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let i = 0;
  while (i < text.length) {
    let cell = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (text[i] === '"' && text[i + 1] === '"') {
          cell += '"';
          i += 2;
        } else if (text[i] === '"') {
          i++;
          break;
        } else cell += text[i++];
      }
    } else {
      while (i < text.length && text[i] !== ',' && text[i] !== '\r') cell += text[i++];
    }
    row.push(cell);
    if (text[i] === ',') i++;
    else if (text.startsWith('\r\n', i)) {
      rows.push(row);
      row = [];
      i += 2;
    } else throw new Error(`bad CSV at ${i}: ${JSON.stringify(text.slice(i, i + 20))}`);
  }
  return rows;
}

describe('csv', () => {
  test('is a header row and one RFC 4180 row per finding, every field quoted, with a byte-order mark and CRLF', () => {
    expect(out.csv.startsWith('\uFEFF"file","line","column","severity","rule","chartId","encounterId","message","evidence"\r\n')).toBe(
      true,
    );
    expect(
      out.csv
        .slice(1)
        .split('\r\n')
        .filter(Boolean)
        .every((row) => /^"(?:[^"]|"")*"(?:,"(?:[^"]|"")*")*$/.test(row)),
    ).toBe(true);
    const [header, ...rows] = parseCsv(out.csv.slice(1));
    expect(header).toEqual(['file', 'line', 'column', 'severity', 'rule', 'chartId', 'encounterId', 'message', 'evidence']);
    const findings = allFindings();
    expect(rows).toHaveLength(findings.length);
    rows.forEach((row, i) => {
      const f = findings[i]!;
      expect(row.slice(0, 5)).toEqual([printable(f.file), String(f.line), String(f.column), f.severity, f.ruleId]);
    });
    const telehealth = rows.find((r) => r[4] === 'telehealth-injection-visit')!;
    expect(telehealth[8]).toBe('service J3420 on 2026-10-03 at 9:16');
  });

  test('keeps quotes and commas in their cells, shows line ends as escapes, and guards cells a spreadsheet would run', () => {
    const rows = parseCsv(out.csv.slice(1)).filter((r) => r[0] === printable(oddFile));
    expect(rows).toHaveLength(3);
    expect(rows.map((r) => r[5])).toEqual(Array(3).fill('\'=HYPERLINK("http://x","y")'));
    expect(rows.map((r) => r[6])).toEqual([
      'E1, 100% <b>&amp;</b> "q" \'a\':x\\r\\nnext line',
      "'@cmd|' /C calc'!A0",
      'E1, 100% <b>&amp;</b> "q" \'a\':x\\r\\nnext line',
    ]);
    expect(rows[2]![7]).toBe(
      'Duplicate encounter id "E1, 100% <b>&amp;</b> "q" \'a\':x\\r\\nnext line": encounter ids must be unique within a chart.',
    );
  });
});

describe('paths from the repository root', () => {
  test('SARIF, GitHub and GitLab name files from the repository root when run in a subfolder', () => {
    const repo = join(tmp.dir, 'repo');
    mkdirSync(join(repo, '.git'), { recursive: true });
    mkdirSync(join(repo, 'exports', 'today'), { recursive: true });
    copyFileSync(join(ROOT, 'fixtures/ci/charts/a-blood-loss.yaml'), join(repo, 'exports', 'today', 'a.yaml'));
    const cwd = join(repo, 'exports');
    const r = cli(
      [
        ...RULESET.slice(0, 1),
        join(ROOT, RULESET[1]!),
        'today',
        '-f',
        'github',
        '-f',
        'sarif:s.sarif',
        '-f',
        'codequality:cq.json',
        '-f',
        'csv:r.csv',
      ],
      { cwd },
    );
    expect(r.stdout).toMatch(/^::warning file=exports\/today\/a\.yaml,line=9,col=9,/);
    expect(
      JSON.parse(readFileSync(join(cwd, 's.sarif'), 'utf8')).runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri,
    ).toBe('exports/today/a.yaml');
    expect(JSON.parse(readFileSync(join(cwd, 'cq.json'), 'utf8'))[0].location.path).toBe('exports/today/a.yaml');
    expect(readFileSync(join(cwd, 'r.csv'), 'utf8')).toContain('\r\n"today/a.yaml","9","9",');
  });
});

test('sarif: square brackets of chart text in a message are escaped, so no viewer reads them as a link (SARIF 2.1.0, 3.11.6)', () => {
  expect(plainText('unit "[l](http://e)" cannot be converted')).toBe('unit "\\[l\\](http://e)" cannot be converted');
  expect(plainText('no brackets')).toBe('no brackets');
  // A backslash of the chart's own before a bracket cannot undo the escape: \[ is written \\\[.
  expect(plainText('note \\[click\\](https://evil.example/x) {0}')).toBe('note \\\\\\[click\\\\\\](https://evil.example/x) {{0}}');
  for (const t of ['a [b](c) {d} \\[e\\] \\\\', 'plain', '{{}}']) expect(unescapeSarif(plainText(t))).toBe(t);
});

/** A SARIF plain-text message as a viewer reads it (3.11.5, 3.11.6): backslash escapes undone, curly brackets undoubled. */
function unescapeSarif(text: string): string {
  return text.replace(/\\([[\]\\])|\{\{|\}\}/g, (m, c: string | undefined) => c ?? m[0]!);
}

test('a report longer than the longest string Node.js holds is refused with what to do, not an internal error', async () => {
  const { formatted } = await import('../src/cli/finish.js');
  const { OutputError } = await import('../src/core/io.js');
  const report = JSON.parse(cli(['--no-config-lookup', '-f', 'json', 'fixtures/charts']).stdout) as Report;
  const stringify = JSON.stringify;
  // As V8 throws it for a text over its longest (about 512 MB): a SARIF report of 320,000 findings.
  JSON.stringify = () => {
    throw new RangeError('Invalid string length');
  };
  let thrown: unknown;
  try {
    formatted('sarif', report, { color: false });
  } catch (err) {
    thrown = err;
  } finally {
    JSON.stringify = stringify;
  }
  expect(thrown).toBeInstanceOf(OutputError);
  expect((thrown as Error).message).toMatch(
    /^the sarif report of [\d,]+ findings is longer than the longest text Node\.js can hold: write it alone to a file \(-o\), which is written in pieces, or lint fewer files a run \(--shard\)/,
  );
  // Any other failure is left as it is (an internal error).
  JSON.stringify = () => {
    throw new TypeError('boom');
  };
  try {
    expect(() => formatted('sarif', report, { color: false })).toThrow(TypeError);
  } finally {
    JSON.stringify = stringify;
  }
});

test('stylish names a medication by its name, else its code, else by kind alone: never with an empty name and two spaces', () => {
  expect(describeEvidence({ kind: 'medication', name: 'hydroxocobalamin', pointer: '/medications/0', line: 3, column: 5 })).toBe(
    'medication hydroxocobalamin at 3:5',
  );
  expect(describeEvidence({ kind: 'medication', code: '1234', pointer: '/medications/0', line: 3, column: 5 })).toBe(
    'medication 1234 at 3:5',
  );
  expect(describeEvidence({ kind: 'medication', pointer: '/medications/0', line: 3, column: 5 })).toBe('medication at 3:5');
});

test('the stylish summary line writes its counts with thousands separators', () => {
  const report = {
    tool: { name: 'b12lint', version: '1.0.0' },
    ruleset: { name: 'x', rules: 1 },
    summary: { files: 20_000, charts: 20_000, encounters: 20_946, errors: 1_213, warnings: 337, infos: 0 },
    results: [],
  } as unknown as Parameters<typeof summaryLine>[0];
  expect(summaryLine(report, 1_225)).toBe('✖ 1,550 problems (1,213 errors, 337 warnings) in 1,225 of 20,000 charts');
});
