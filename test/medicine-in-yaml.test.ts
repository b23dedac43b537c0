/**
 * Medicine lives in YAML (rulesets/, templates/): no LOINC code, ICD-10 code or unit factor is
 * written in the string literals of src/. Code-system syntax (check digits, code shapes) stays in
 * TypeScript, and examples in comments are free; the few examples that users read in messages and
 * schema descriptions are listed below, each with where it stands.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { ROOT } from './helpers/cli.js';
import { loincCheckDigitValid } from '../src/rules/loinc.js';

/** Text shaped like a LOINC code whose check digit is right (a range such as 0-9 is not one). */
const LOINC = /(?<![\w.-])\d{1,7}-\d(?![\w-])/g;
/** Text shaped like an ICD-10-CM code: a letter (not U), two digits, a dotted subcode maybe. */
const ICD10 = /(?<![\w.])[A-TV-Z]\d\d(\.[0-9A-Z]{1,4})?(?![\w])/g;
/** A unit conversion written as a table entry: `'pmol/L': 1.355`, `"mg/dL": 10`. */
const UNIT_FACTOR = /^\s*(?:[mµuμnpf]?(?:g|mol|L|l)\/(?:d?[Ll]|mL|ml))\s*$/;

/** Examples users read (schema descriptions, messages), by file: what they may name. */
const ALLOWED: Record<string, readonly string[]> = {
  // "B12" is the vitamin, not a code: it stands in descriptions and the CLI's description.
  'src/cli/main.ts': ['B12'],
  'src/authoring/schemas.ts': ['2132-9', 'B12'],
  'src/rules/data-quality.ts': ['2132-9'],
  'src/rules/conditions/diagnosis.ts': ['D51'],
  'src/rules/conditions/lab.ts': ['B12'],
  'src/rules/conditions/text.ts': ['B12'],
  'src/rules/conditions/measure.ts': ['B12'],
  'src/rules/conditions/subcodes.ts': ['D63', 'D63.0', 'D63.1', 'D63.8'],
  'src/chart/fhir/concept-map.ts': ['D51.0'],
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return e.name.endsWith('.ts') ? [p] : [];
  });
}

const TEXT_KINDS = new Set([
  ts.SyntaxKind.StringLiteral,
  ts.SyntaxKind.NoSubstitutionTemplateLiteral,
  ts.SyntaxKind.TemplateHead,
  ts.SyntaxKind.TemplateMiddle,
  ts.SyntaxKind.TemplateTail,
]);

/** The text of every string, template and regular expression literal (comments are not nodes). */
function literalsOf(name: string, source: string): { text: string; line: number }[] {
  const sf = ts.createSourceFile(name, source, ts.ScriptTarget.Latest, true);
  const out: { text: string; line: number }[] = [];
  const visit = (node: ts.Node): void => {
    const line = (): number => sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
    if (TEXT_KINDS.has(node.kind)) out.push({ text: (node as ts.LiteralLikeNode).text, line: line() });
    else if (node.kind === ts.SyntaxKind.RegularExpressionLiteral) out.push({ text: node.getText(sf), line: line() });
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

/** What a text looks like medicine in: LOINC codes (check digit right), ICD-10 codes, a unit. */
function medicine(text: string): { c: string; what: string }[] {
  return [
    ...[...text.matchAll(LOINC)]
      .map((m) => m[0])
      .filter(loincCheckDigitValid)
      .map((c) => ({ c, what: 'LOINC code' })),
    ...[...text.matchAll(ICD10)].map((m) => ({ c: m[0], what: 'ICD-10 code' })),
    ...(UNIT_FACTOR.test(text) ? [{ c: text.trim(), what: 'unit' }] : []),
  ];
}

/** What a file's literals name that looks like medicine: `file:line: what`. */
function medicineIn(file: string): { found: string[]; used: Set<string> } {
  const rel = relative(ROOT, file).split('\\').join('/');
  const allowed = new Set(ALLOWED[rel] ?? []);
  const found: string[] = [];
  const used = new Set<string>();
  for (const { text, line } of literalsOf(file, readFileSync(file, 'utf8'))) {
    for (const { c, what } of medicine(text)) {
      if (allowed.has(c)) used.add(c);
      else found.push(`${rel}:${line}: ${what} ${c} in ${JSON.stringify(text.slice(0, 80))}`);
    }
  }
  return { found, used };
}

const FILES = sourceFiles(join(ROOT, 'src'));

test('no LOINC code, ICD-10 code or unit in the string literals of src/ (medicine is in rulesets/)', () => {
  expect(FILES.length).toBeGreaterThan(50);
  expect(FILES.flatMap((f) => medicineIn(f).found)).toEqual([]);
});

test('every allowed example is still there (the list does not outlive what it excuses)', () => {
  const used = new Map(FILES.map((f) => [relative(ROOT, f).split('\\').join('/'), medicineIn(f).used]));
  const stale = Object.entries(ALLOWED).flatMap(([file, codes]) =>
    codes.filter((c) => !used.get(file)?.has(c)).map((c) => `${file}: ${c}`),
  );
  expect(stale).toEqual([]);
});

test('the scan sees what it looks for: a LOINC code, an ICD-10 code and a unit table entry in literals, none in comments', () => {
  const hits = (source: string): string[] => literalsOf('probe.ts', source).flatMap(({ text }) => medicine(text).map((h) => h.c));
  expect(hits("const t = { b12: ['2132-9'], code: `D51.0`, f: { 'pmol/L': 1.355 } }; // 718-7 and E53.8 in a comment")).toEqual([
    '2132-9',
    'D51.0',
    'pmol/L',
  ]);
  expect(hits("const r = /[0-9]/; const s = '0-9, 2026-10-01, 1.2-3 and 1-1'; // D62")).toEqual([]);
});
