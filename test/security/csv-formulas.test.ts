/**
 * Issue 19, item 6: CSV cells a spreadsheet would run. The guard looked only at a field's first
 * character and left fields without a comma unquoted, so an encounter id `a;=1+1` became a live
 * formula in a spreadsheet whose list separator is `;` (most of Europe). Now every field is quoted,
 * and a field that starts with =, +, -, @, tab or CR gets a `'` in front. The rows are read back
 * here as a spreadsheet reads them, with `,` and with `;` as the separator.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { csvCell } from '../../src/report/csv.js';
import { cli } from '../helpers/cli.js';
import { scratches } from '../helpers/scratch.js';

const scratch = scratches('b12lint-csv-');

/** Ids that are formulas, or hold one after a `;`. */
const IDS = ['a;=1+1', '=HYPERLINK("http://x")', '+1+1', '-2+3', '@SUM(A1)', '\t=1', '\r=1', 'b;@cmd', 'c;-1'];

/** A chart per id: its chart id and its encounter id are the hostile text; J3420 for D62 makes a finding quote them. */
function chartFor(id: string, n: number): Record<string, unknown> {
  return {
    chartId: id,
    patient: { id: `P${n}`, birthDate: '1950-01-02', sex: 'female' },
    encounters: [{ id, date: '2026-10-02', diagnoses: [{ code: 'D62' }], services: [{ code: 'J3420', units: 1, diagnoses: ['D62'] }] }],
  };
}

/**
 * The cells of one CSV row as a spreadsheet splits it with `separator`: a quote toggles quoting
 * (a doubled quote toggles twice), and a separator outside quotes ends a cell. Excel and
 * LibreOffice read a file in the list separator of the machine's locale this way.
 */
function cells(row: string, separator: string): string[] {
  const out: string[] = [];
  let cell = '';
  let quoted = false;
  for (const ch of row) {
    if (ch === '"') quoted = !quoted;
    else if (ch === separator && !quoted) {
      out.push(cell);
      cell = '';
      continue;
    }
    cell += ch;
  }
  out.push(cell);
  return out;
}

/** A cell a spreadsheet runs as a formula: it starts (after its quotes) with =, +, -, @. */
const isFormula = (cell: string): boolean => /^[=+\-@\t\r]/.test(cell.replace(/^"+/, ''));

const { dir } = scratch();
writeFileSync(join(dir, 'charts.yaml'), stringify(IDS.map(chartFor)));
const out = cli(['-f', 'csv', 'charts.yaml'], { cwd: dir });
const rows = out.stdout
  .replace(/^\uFEFF/, '')
  .split('\r\n')
  .filter(Boolean);

test('the run writes one row per finding', () => {
  expect(out.stderr).toBe('');
  expect(out.code).toBe(1);
  expect(rows.length).toBeGreaterThan(IDS.length);
});

test("every field is quoted, the header's too", () => {
  for (const row of rows) expect(row).toMatch(/^"(?:[^"]|"")*"(?:,"(?:[^"]|"")*")*$/);
});

test('a field that starts with =, +, - or @ has a single quote in front, and none starts with a raw tab or CR', () => {
  const fields = rows.slice(1).flatMap((r) => cells(r, ',').map((c) => c.slice(1, -1).replace(/""/g, '"')));
  expect(fields).toContain('a;=1+1');
  expect(fields).toContain('\'=HYPERLINK("http://x")');
  expect(fields).toContain("'+1+1");
  expect(fields).toContain("'-2+3");
  expect(fields).toContain("'@SUM(A1)");
  // The reader trims ids (`\t=1` is read `=1`), and a tab or CR inside chart text is shown as a
  // visible escape (item 1): no cell starts with a raw tab or CR, and `=1` is guarded.
  expect(fields).toContain("'=1");
  expect(fields.some((f) => /^[\t\r]/.test(f))).toBe(false);
  for (const f of fields) expect(isFormula(f)).toBe(false);
});

test.each([',', ';'])('read with %j as the separator, no cell is a formula', (separator) => {
  for (const row of rows) for (const cell of cells(row, separator)) expect([row, cell, isFormula(cell)]).toEqual([row, cell, false]);
});

test('csvCell itself guards a tab or a CR in front too (text that reaches it unescaped, from no chart)', () => {
  expect([csvCell('\t=1'), csvCell('\r=1'), csvCell('x'), csvCell(3)]).toEqual(['"\'\t=1"', '"\'\r=1"', '"x"', '"3"']);
});

test('the check would catch the old output (an unquoted `a;=1+1` read with `;`)', () => {
  expect(cells('charts.yaml,1,1,error,rule,a;=1+1,a;=1+1,message,', ';').some(isFormula)).toBe(true);
});
