/**
 * docs/fhir.md tells the truth: it lists every spelling of the code-system table the adapter
 * reads, and its table of what each rule does on a claims-only export (no notes, no labs, no
 * doses, diagnoses as a claim carries them) is what the rule does, tried through the CLI on
 * claims-only versions of the rule's own trigger charts (fixtures/catalog/<rule>.fires.yaml).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { SYSTEMS } from '../src/chart/fhir/systems.js';
import { setupRuleset } from '../src/run/setup.js';
import { cliJson, ROOT } from './helpers/cli.js';
import { scratches } from './helpers/scratch.js';

const DOC = readFileSync(join(ROOT, 'docs', 'fhir.md'), 'utf8');
const scratch = scratches('b12lint-claims-only-');

test('docs/fhir.md lists every spelling of every code system the adapter knows', () => {
  const missing = Object.values(SYSTEMS).flatMap((s) => s.uris.filter((u) => !DOC.includes(`\`${u}\``)));
  expect(missing).toEqual([]);
});

/** The rows of the claims-only table: each rule id it names, with what the row says. */
function claimsOnlyRows(): Map<string, string> {
  const section = DOC.slice(DOC.indexOf('## Claims-only exports'), DOC.indexOf('## A Medicare claims recipe'));
  const rows = new Map<string, string>();
  for (const line of section.split('\n').filter((l) => l.startsWith('| `'))) {
    const [rules, verdict] = line.split(' | ');
    for (const m of rules!.matchAll(/`([a-z0-9-]+)`/g)) rows.set(m[1]!, verdict!);
  }
  return rows;
}

/** A chart as a claims-only export gives it: no notes, labs, medications or doses; diagnoses as coded. */
function claimsOnly(chart: Record<string, any>): Record<string, any> {
  for (const e of chart.encounters ?? []) {
    delete e.notes;
    for (const s of e.services ?? []) delete s.dose;
    e.diagnoses = (e.diagnoses ?? []).map((d: unknown) =>
      typeof d === 'object' && d !== null ? { code: (d as { code: unknown }).code } : d,
    );
  }
  delete chart.labs;
  delete chart.medications;
  return chart;
}

test('the claims-only table has every rule, and says what each does on claims-only versions of its trigger charts', () => {
  const rows = claimsOnlyRows();
  const rules = setupRuleset({ version: 'test' }).rules.map((r) => r.id);
  expect(rules.filter((id) => !rows.has(id)).map((id) => `docs/fhir.md: add rule ${id} to the claims-only table`)).toEqual([]);
  const s = scratch();
  for (const f of readdirSync(join(ROOT, 'fixtures', 'catalog')).filter((x) => x.endsWith('.fires.yaml'))) {
    const charts = parseAllDocuments(readFileSync(join(ROOT, 'fixtures', 'catalog', f), 'utf8')).map((d) =>
      stringify(claimsOnly(d.toJS())),
    );
    s.write(f, charts.join('---\n'));
  }
  const { report } = cliJson(['--no-config-lookup', '--icd10', join(ROOT, 'fixtures', 'icd10', 'icd10cm_order_2026.txt'), '.'], {
    cwd: s.dir,
  });
  const fires = new Map(
    report.results.map((r) => [
      r.file.replace(/\.fires\.yaml$/, ''),
      r.findings.some((x) => x.ruleId === r.file.replace(/\.fires\.yaml$/, '')),
    ]),
  );
  const wrong = rules
    .filter((id) => fires.has(id))
    .map((id) => {
      const verdict = rows.get(id)!;
      // "judges", or "cannot judge" where the row says the rule still fires (its finding is the missing lab).
      const says = verdict.startsWith('judge') || / fires /.test(verdict);
      return { id, docs: says ? 'fires' : 'quiet', actual: fires.get(id) ? 'fires' : 'quiet' };
    })
    .filter((r) => r.docs !== r.actual);
  expect(wrong).toEqual([]);
});
