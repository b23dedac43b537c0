/**
 * The clinical catalog, rule by rule: every rule fires on its trigger charts and stays quiet on
 * its near-misses (fixtures/catalog/<rule-id>.fires.yaml and .quiet.yaml), and the findings
 * point at the right line with the right evidence.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { cli, cliJson, ROOT } from './helpers/cli.js';
import { scratches } from './helpers/scratch.js';
import type { Finding } from '../src/finding.js';

const CATALOG = join(ROOT, 'fixtures', 'catalog');
const ICD10 = join('fixtures', 'icd10', 'icd10cm_order_2026.txt');

function ruleIdsOfRuleset(): string[] {
  const text = readFileSync(join(ROOT, 'rulesets', 'recommended.yaml'), 'utf8');
  return [...text.matchAll(/^  - id: ([a-z0-9-]+)$/gm)].map((m) => m[1]!);
}

function chartIdsOf(file: string): string[] {
  return parseAllDocuments(readFileSync(file, 'utf8')).map((d) => (d.toJS() as { chartId: string }).chartId);
}

// One run of the CLI over the whole catalog; each test reads its file's findings.
let byFile: Map<string, Finding[]> | undefined;
function lintCatalog(file: string): Finding[] {
  if (!byFile) {
    const r = cliJson(['--no-config-lookup', '--icd10', ICD10, join('fixtures', 'catalog')]);
    expect(r.stderr).toBe('');
    byFile = new Map(r.report.results.map((x) => [x.file, x.findings]));
  }
  const findings = byFile.get(`fixtures/catalog/${file}`);
  if (!findings) throw new Error(`no result for ${file}`);
  return findings;
}

const rules = ruleIdsOfRuleset();

test("every rule of the built-in ruleset has its trigger and near-miss charts, and every chart file here is a rule's", () => {
  expect(rules.length).toBeGreaterThan(0);
  const files = readdirSync(CATALOG).sort();
  expect(files).toEqual(rules.flatMap((id) => [`${id}.fires.yaml`, `${id}.quiet.yaml`]).sort());
});

describe.each(rules)('%s', (id) => {
  test('fires on every trigger chart, and no chart breaks the format', () => {
    const findings = lintCatalog(`${id}.fires.yaml`);
    const charts = chartIdsOf(join(CATALOG, `${id}.fires.yaml`));
    expect(charts.length).toBeGreaterThan(0);
    for (const chart of charts) {
      expect(findings.filter((f) => f.ruleId === id && f.chartId === chart).map((f) => f.chartId)).toContain(chart);
    }
    expect(findings.filter((f) => ['parse-error', 'chart-format', 'internal-error'].includes(f.ruleId))).toEqual([]);
  });

  test('stays quiet on every near-miss chart', () => {
    const findings = lintCatalog(`${id}.quiet.yaml`);
    expect(findings.filter((f) => f.ruleId === id)).toEqual([]);
    expect(findings.filter((f) => ['parse-error', 'chart-format', 'internal-error'].includes(f.ruleId))).toEqual([]);
  });
});

describe('findings point at the subject and carry the evidence', () => {
  const find = (file: string, id: string, chart: string): Finding => {
    const f = lintCatalog(file).find((x) => x.ruleId === id && x.chartId === chart);
    if (!f) throw new Error(`${id} did not fire on ${chart}`);
    return f;
  };

  test('a J3420 line linked to D62 points at the service line, with the diagnosis as evidence (then what its provider query cites)', () => {
    const f = find('b12-injection-blood-loss-dx.fires.yaml', 'b12-injection-blood-loss-dx', 'BLDX-F1');
    expect(f).toMatchObject({ severity: 'error', encounterId: 'E1', line: 11, column: 9, pointer: '/encounters/0/services/0' });
    expect(f.evidence).toEqual([
      { kind: 'diagnosis', code: 'D62', line: 8, column: 9, pointer: '/encounters/0/diagnoses/0' },
      {
        kind: 'note',
        section: 'assessment',
        term: 'B12',
        assertion: 'affirmed',
        excerpt: 'B12 injection given',
        line: 14,
        column: 38,
        pointer: '/encounters/0/notes/0/text',
      },
    ]);
  });

  test('a lab in pmol/L is cited as written and converted to pg/mL', () => {
    const f = find('b12-injection-anemia-unspecified.fires.yaml', 'b12-injection-anemia-unspecified', 'UNSPEC-F1');
    expect(f.message).toContain('110 pmol/L = 149 pg/mL on 2026-09-28');
    expect(f.evidence).toContainEqual({
      kind: 'lab',
      test: 'b12',
      value: '110',
      unit: 'pmol/L',
      date: '2026-09-28',
      converted: { value: 149, unit: 'pg/mL' },
      line: 15,
      column: 5,
      pointer: '/labs/0',
    });
  });

  test('a value string "<50" is read as a censored value and cited', () => {
    const f = find('b12-injection-unsupported-dx.fires.yaml', 'b12-injection-unsupported-dx', 'UNSUP-F2');
    expect(f.message).toContain('<50 pg/mL on 2026-09-25');
    expect(f.line).toBe(26);
  });

  test('a query offers no B12 deficiency against a normal B12 in an untreated patient (no indicator supports it): with one option left, it asks open', () => {
    const f = find('b12-injection-unsupported-dx.fires.yaml', 'b12-injection-unsupported-dx', 'UNSUP-F-NORMAL-B12');
    expect(f.query!.options).toEqual([]);
    expect(f.query!.question).toMatch(/what condition is the vitamin B12 therapy treating\?$/);
  });

  test('a medication dated after the visit is no indicator of it; the one dated before is', () => {
    const f = find('b12-injection-unsupported-dx.fires.yaml', 'b12-injection-unsupported-dx', 'UNSUP-F-LATER-MEDICATION');
    expect(f.query!.indicators.filter((i) => i.source === 'medication').map((i) => i.date)).toEqual(['2026-02-01']);
  });

  test("a query about a diagnosis shows it first, in the ICD-10-CM table's words when the chart has none", () => {
    const f = find('diagnosis-not-current.fires.yaml', 'diagnosis-not-current', 'NOTCUR-F-SUBJECT-SHOWN');
    expect(f.query!.indicators[0]).toMatchObject({
      source: 'diagnosis',
      text: 'Celiac disease',
      date: '2026-09-16',
      pointer: '/encounters/0/diagnoses/0',
    });
  });

  test('a denial in the notes is cited as a short excerpt, not the whole note', () => {
    const f = find('blood-loss-contradicted-by-notes.fires.yaml', 'blood-loss-contradicted-by-notes', 'BLC-F1');
    expect(f).toMatchObject({ line: 8, column: 9, pointer: '/encounters/0/diagnoses/0' });
    expect(f.evidence).toEqual([
      {
        kind: 'note',
        section: 'ros',
        term: 'melena',
        assertion: 'negated',
        excerpt: 'Denies melena or hematochezia',
        line: 10,
        column: 31,
        pointer: '/encounters/0/notes/0/text',
      },
      // The diagnosis the provider query is about, and the anemia as the assessment states it.
      { kind: 'diagnosis', code: 'D62', line: 8, column: 9, pointer: '/encounters/0/diagnoses/0' },
      {
        kind: 'note',
        section: 'assessment',
        term: 'Anemia',
        assertion: 'affirmed',
        excerpt: 'Anemia, start iron',
        line: 11,
        column: 38,
        pointer: '/encounters/0/notes/1/text',
      },
    ]);
  });

  test('an Excludes1 pair reports the first code, with both diagnoses as evidence', () => {
    const f = find('excludes1-conflict.fires.yaml', 'excludes1-conflict', 'EXC-F2');
    expect(f.message).toContain('D51.0 and E53.8 are coded together on 2026-03-15');
    expect(f.evidence.map((e) => e.code)).toEqual(['D51.0', 'E53.8']);
  });

  test('a documented cause names the cause and its code', () => {
    const f = find('etiology-documented-not-coded.fires.yaml', 'etiology-documented-not-coded', 'ETIO-F1');
    expect(f.severity).toBe('info');
    expect(f.message).toContain('bariatric surgery status ("Roux-en-Y gastric bypass")');
    expect(f.message).toContain('(Z98.84)');
    // A finding never tells the coder to add a code: it asks to query.
    expect(f.message).toContain('Query the provider');
    expect(f.message).not.toMatch(/\badd it\b|\*/i);
  });

  test("a cause's category header coded codes the cause (header-code-not-billable asks for the subcode); a neighbour's does not, and the message names the cause's code alone", () => {
    expect(
      lintCatalog('etiology-documented-not-coded.quiet.yaml')
        .filter((x) => x.chartId === 'ETIO-Q-HEADER-K50')
        .map((x) => x.ruleId),
    ).toEqual(['header-code-not-billable']);
    const f = find('etiology-documented-not-coded.fires.yaml', 'etiology-documented-not-coded', 'ETIO-F-NOT-ITS-HEADER');
    expect(f.message).toContain('a cause of B12 deficiency with a code of its own (K50.-), and encounter E1 does not code it');
  });

  test('an uncertainty cue is tied to the diagnosis it qualifies', () => {
    const f = find('uncertain-dx-coded-outpatient.fires.yaml', 'uncertain-dx-coded-outpatient', 'UNC-F1');
    expect(f.message).toContain('documented as possible, not confirmed ("Probable pernicious anemia');
    expect(f.evidence[0]).toMatchObject({ kind: 'note', section: 'assessment', term: 'pernicious anemia', assertion: 'possible' });
  });
});

describe('the words providers write, and what each code states', () => {
  const find = (file: string, id: string, chart: string): Finding[] =>
    lintCatalog(file).filter((x) => x.ruleId === id && x.chartId === chart);

  test('"macrocytic anemia" alone does not document B12 deficiency: the message says it is coded in D53', () => {
    const [f] = find('b12-deficiency-undocumented.fires.yaml', 'b12-deficiency-undocumented', 'B12U-F3');
    expect(f!.message).toContain(
      'The notes name "Macrocytic anemia": with no cause documented, that anemia is coded in D53 (D53.1, D53.9), not D51.',
    );
    expect(f!.message).toContain('query the provider');
  });

  test("another person's condition: a family history for a blood relative's, each code by its kind, none for a spouse's", () => {
    const [spouse] = find('b12-deficiency-undocumented.fires.yaml', 'b12-deficiency-undocumented', 'B12U-F-SPOUSE');
    expect(spouse!.message).toContain(
      "The notes name it as another person's (\"Accompanies her husband, who has B12 deficiency and gets monthly injections\"), not the patient's: a blood relative's is a family history (Z83.2 for a blood disease such as pernicious anemia, Z83.49 for a deficiency without anemia), coded only if the provider documents it so; a spouse's, a partner's or a friend's is not coded.",
    );
    const [sister] = find('b12-deficiency-undocumented.fires.yaml', 'b12-deficiency-undocumented', 'B12U-F-SISTER-PA');
    expect(sister!.message).toContain('The notes name it as another person\'s ("Sister has pernicious anemia on monthly shots")');
  });

  test('E53.8 is never called vitamin B12 deficiency: its message names every deficiency it codes', () => {
    const [f] = find('b12-deficiency-undocumented.fires.yaml', 'b12-deficiency-undocumented', 'B12U-F5');
    expect(f!.message).toContain('a deficiency E53.8 codes (vitamin B12, folate, biotin or pantothenic acid deficiency)');
    for (const findings of byFile!.values()) {
      for (const x of findings) expect(x.message).not.toMatch(/E53\.8 \(vitamin B12 deficiency\)/);
    }
  });

  test('B12 def, deficiency of vitamin B12, Addisonian and Biermer anemia, and a folate deficiency for E53.8 document the code', () => {
    for (const chart of ['B12U-Q4', 'B12U-Q5', 'B12U-Q6', 'B12U-Q7', 'B12U-Q8']) {
      expect(find('b12-deficiency-undocumented.quiet.yaml', 'b12-deficiency-undocumented', chart)).toEqual([]);
    }
  });
});

describe('a documented history of a low B12 (L33967), not a level within a year', () => {
  const find = (file: string, chart: string): Finding[] =>
    lintCatalog(file).filter((x) => x.ruleId === 'b12-deficiency-no-lab' && x.chartId === chart);

  test('a low B12 years before, a raised MMA, a lab-flagged low, or a note recording the history (any note of the chart) satisfies it', () => {
    for (const chart of ['NOLAB-Q1', 'NOLAB-Q2', 'NOLAB-Q3', 'NOLAB-Q4', 'NOLAB-Q5', 'NOLAB-Q7'])
      expect(find('b12-deficiency-no-lab.quiet.yaml', chart)).toEqual([]);
  });

  test('a level drawn only after the date of service still fires', () => {
    const [f] = find('b12-deficiency-no-lab.fires.yaml', 'NOLAB-F2');
    expect(f!.message).toContain('no B12 or methylmalonic acid result is dated on or before that date');
  });

  test('a normal level before a new diagnosis is cited as not low', () => {
    const [f] = find('b12-deficiency-no-lab.fires.yaml', 'NOLAB-F3');
    expect(f!.message).toContain('no B12 on or before that date is low (the latest, on 2026-09-20, is 420 pg/mL)');
    expect(f!.message).toMatch(/^E53\.8 is coded on 2026-10-10, but/);
  });

  test('a borderline level with macrocytosis still fires (it is not low); its query shows both, and offers no conclusion about them', () => {
    const [f] = find('b12-deficiency-no-lab.fires.yaml', 'NOLAB-F-BORDERLINE');
    expect(f!.message).toContain('no B12 on or before that date is low (the latest, on 2026-10-01, is 250 pg/mL)');
    // The indicators put the borderline level and the MCV before the provider; no option names
    // them as the answer (a coder's review found such an option leading).
    expect(f!.query!.indicators.map((i) => i.text)).toEqual(
      expect.arrayContaining([expect.stringMatching(/250 pg\/mL/), expect.stringMatching(/108 fL/)]),
    );
    expect(f!.query!.options.join(' | ')).not.toMatch(/borderline|macrocyt/i);
  });
});

describe('hemoglobin cutoffs by age on the date of the result and by pregnancy (WHO 2024), and treated patients', () => {
  const fired = (file: string): string[] =>
    [
      ...new Set(
        lintCatalog(file)
          .filter((x) => x.ruleId === 'b12-anemia-no-anemia-evidence')
          .map((x) => x.chartId!),
      ),
    ].sort();

  test('fires for a child, a second-trimester pregnancy, an unknown sex above both cutoffs, a 14-year-old on the day of the result, and an injection given after the result', () => {
    expect(fired('b12-anemia-no-anemia-evidence.fires.yaml')).toEqual([
      'NOAN-F-GMDL', // "gm/dL", as many US labs write it
      'NOAN-F-O99012', // anemia complicating pregnancy, second trimester: the 10.5 cutoff
      'NOAN-F-T2-WEEKS', // the second trimester from the weeks a note gives, in a pregnancy coded Z33.1
      'NOAN-F1',
      'NOAN-F2',
      'NOAN-F3',
      'NOAN-F4',
      'NOAN-F5',
      'NOAN-F6',
      'NOAN-F7',
    ]);
  });

  test('quiet for a treated patient, a value between the two adult cutoffs with no sex, a pregnancy of unknown trimester, an infant', () => {
    expect(fired('b12-anemia-no-anemia-evidence.quiet.yaml')).toEqual([]);
  });

  test('an anemia complicating pregnancy coded beside it is named in the message: it goes with the anemia (O99.28- with E53.8)', () => {
    const f = lintCatalog('b12-anemia-no-anemia-evidence.fires.yaml').find(
      (x) => x.ruleId === 'b12-anemia-no-anemia-evidence' && x.chartId === 'NOAN-F-O99012',
    )!;
    expect(f.message).toContain(
      'The encounter also codes O99.012 (anemia complicating pregnancy): if the provider documents no anemia, it goes too, and a B12 deficiency complicating the pregnancy is O99.28- (with the trimester) with E53.8.',
    );
    const other = lintCatalog('b12-anemia-no-anemia-evidence.fires.yaml').find(
      (x) => x.ruleId === 'b12-anemia-no-anemia-evidence' && x.chartId === 'NOAN-F4',
    )!;
    expect(other.message).not.toContain('complicating pregnancy');
  });

  test('the message asks for a query and names E53.8 for what it is', () => {
    const f = lintCatalog('b12-anemia-no-anemia-evidence.fires.yaml').find(
      (x) => x.ruleId === 'b12-anemia-no-anemia-evidence' && x.chartId === 'NOAN-F4',
    )!;
    expect(f.message).toContain("(10.7 g/dL on 2026-10-01, at or above the WHO cutoff for the patient's age, sex and pregnancy)");
    expect(f.message).toContain(
      'Query the provider. Pernicious anemia is D51.0 whatever the hemoglobin; B12 deficiency without anemia of another cause is E53.8 (deficiency of other specified B group vitamins), not D51.',
    );
  });
});

describe('a normal B12 against a borderline level with macrocytosis, and B12 therapy in all its forms', () => {
  const fired = (file: string): string[] =>
    [
      ...new Set(
        lintCatalog(file)
          .filter((x) => x.ruleId === 'b12-deficiency-lab-normal')
          .map((x) => x.chartId!),
      ),
    ].sort();

  test('a borderline level with a macrocytic MCV or a macrocytic anemia in the notes is quiet; hydroxocobalamin, CaloMist or a note saying the patient is on B12 is therapy', () => {
    expect(fired('b12-deficiency-lab-normal.quiet.yaml')).toEqual([]);
  });

  test('a borderline level with a normal MCV fires, and so does therapy started only after the result or only taught', () => {
    expect(fired('b12-deficiency-lab-normal.fires.yaml')).toEqual([
      'LABN-F-TEACHING', // "counseled on B12-rich foods", "educated on B12 injections": no therapy under way
      'LABN-F1',
      'LABN-F2',
      'LABN-F3',
      'LABN-F4',
    ]);
  });
});

describe('a microcytic MCV beside an iron-deficiency anemia is a documented combined deficiency', () => {
  test('quiet with D50.9 or D50.0 coded beside D51.x; the finding otherwise asks for a query', () => {
    expect(lintCatalog('b12-anemia-microcytic.quiet.yaml').filter((x) => x.ruleId === 'b12-anemia-microcytic')).toEqual([]);
    const f = lintCatalog('b12-anemia-microcytic.fires.yaml').find(
      (x) => x.ruleId === 'b12-anemia-microcytic' && x.chartId === 'MICRO-F2',
    )!;
    expect(f.message).toContain('71 fL on 2026-10-01 (microcytic), and no iron-deficiency anemia is coded beside it');
    expect(f.message).toContain('query the provider');
  });
});

describe('a high ferritin argues against iron deficiency only without inflammation', () => {
  const fired = (file: string): string[] =>
    [
      ...new Set(
        lintCatalog(file)
          .filter((x) => x.ruleId === 'blood-loss-anemia-lab-mismatch')
          .map((x) => x.chartId!),
      ),
    ].sort();

  test('quiet with CKD, rheumatoid arthritis or cancer coded, a raised CRP (mg/dL converted), or a transferrin saturation below 20 %', () => {
    expect(fired('blood-loss-anemia-lab-mismatch.quiet.yaml')).toEqual([]);
  });

  test('fires on a high ferritin with none of those, and on macrocytosis whatever is coded', () => {
    expect(fired('blood-loss-anemia-lab-mismatch.fires.yaml')).toEqual(['BLM-F1', 'BLM-F2', 'BLM-F3', 'BLM-F4']);
    const f = lintCatalog('blood-loss-anemia-lab-mismatch.fires.yaml').find(
      (x) => x.ruleId === 'blood-loss-anemia-lab-mismatch' && x.chartId === 'BLM-F4',
    )!;
    expect(f.message).toContain('MCV 109 fL on 2026-10-01 (macrocytic).');
    expect(f.message).not.toContain('ferritin');
  });
});

describe('what documents blood loss: the new bleeding-source codes, a measured loss, the D62 title', () => {
  const fired = (file: string, id: string): string[] =>
    [
      ...new Set(
        lintCatalog(file)
          .filter((x) => x.ruleId === id)
          .map((x) => x.chartId!),
      ),
    ].sort();

  test('K55.21, K31.811, K29.x1, I85.x1, K50.x11, K51.x11, K63.81, K31.82, N95.0 and O72.x, "EBL 1200 mL", "estimated blood loss 900 mL", "acute posthemorrhagic anemia" each document it', () => {
    expect(fired('blood-loss-anemia-undocumented.quiet.yaml', 'blood-loss-anemia-undocumented')).toEqual([]);
    expect(fired('blood-loss-contradicted-by-notes.quiet.yaml', 'blood-loss-contradicted-by-notes')).toEqual([]);
  });

  test('"estimated blood loss: minimal" and "EBL less than 5 mL" document none, and the finding quotes the amount', () => {
    const f = lintCatalog('blood-loss-anemia-undocumented.fires.yaml').filter((x) => x.ruleId === 'blood-loss-anemia-undocumented');
    expect(f.map((x) => x.chartId)).toEqual([
      'BLU-F1',
      'BLU-F2',
      'BLU-F3',
      'BLU-F4',
      'BLU-F-COLON-UNSURE',
      'BLU-F-UNANSWERED',
      'BLU-F-CHECKBOX',
      'BLU-F-PROPHYLAXIS',
      'BLU-F-CHECKBOX-PARENS',
      'BLU-F-IRON-STOOLS-WARNINGS',
      'BLU-F-SUSPECTED',
      'BLU-F-UNTICKED-PHRASE', // "[ ] Abnormal vaginal bleeding": a box speaks of its whole item
      'BLU-F-DASH-RESOLVED-YEAR', // "GI bleed - resolved 2019"
      'BLU-F-COMMA-RESOLVED-YEAR', // "GI bleed, resolved 2019"
      'BLU-F-PLUS-MINUS-MELENA', // "denies nausea, vomiting, +/- melena": equivocal, not denied
      'BLU-F-IF-FIT-POSITIVE', // "if FIT positive will refer GI": a result planned for
      'BLU-F-POSSIBLE-IN-DENIAL', // "denies nausea, vomiting, possible melena": the item's own doubt
      'BLU-F-PLUS-MINUS-AFTER', // "Melena +/-": a sign after the item's words
      'BLU-F-QC-LINE', // "Hemoccult pos control verified": a test card's quality control
      'BLU-F-QUESTION-MARK', // "Hematochezia?": asked, not answered
    ]);
    // Blood loss the notes only suspect is named as such.
    expect(f.find((x) => x.chartId === 'BLU-F-SUSPECTED')!.message).toContain(
      'its notes mention bleeding only as possible or as an unanswered question ("Iron deficiency anemia, suspected GI blood loss")',
    );
    expect(f.find((x) => x.chartId === 'BLU-F-PLUS-MINUS-MELENA')!.message).toContain(
      'its notes mention bleeding only as possible or as an unanswered question ("GI: denies nausea, vomiting, +/- melena")',
    );
    expect(f.find((x) => x.chartId === 'BLU-F-POSSIBLE-IN-DENIAL')!.message).toContain(
      'its notes mention bleeding only as possible or as an unanswered question ("Denies nausea, vomiting, possible melena")',
    );
    expect(f[2]!.message).toContain('its notes do not document bleeding (the measured blood loss is minimal). Query the provider');
    expect(f[3]!.message).toContain('(the measured blood loss is less than 5 mL)');
    expect(f[2]!.evidence).toContainEqual(expect.objectContaining({ kind: 'note', term: 'Estimated blood loss' }));
    expect(fired('blood-loss-contradicted-by-notes.fires.yaml', 'blood-loss-contradicted-by-notes')).toEqual([
      'BLC-F-BLACK-STOOLS', // "no black stools or blood in the stool"
      'BLC-F-COLON', // "Melena: no": a template's item answered after its colon
      'BLC-F-DOUBT-OWN-ITEM-ONLY', // "..., possible dark stools, melena or hematochezia": the doubt's item only
      'BLC-F-GAP-BOXES', // "Melena   [ ] Yes   [x] No": boxes after a column gap, no colon
      'BLC-F-IF-POSITIVE-FOBT', // "If positive FOBT, will refer": a result planned for
      'BLC-F-LIST-AFTER', // "denies nausea after eating, ..., melena": "after" ends no denial list
      'BLC-F-LONG-DENIAL-LIST', // a denial reaches the end of a list of short items
      'BLC-F-LONG-DENIAL-UNJOINED', // ... whether or not "or" joins its last item
      'BLC-F-LONG-ITEM', // "Any blood in stool or black stools: no": the whole item answered
      'BLC-F-LOW-SUSPICION', // "low suspicion for GI bleed"
      'BLC-F-MINUS-SIGNS', // "(-) melena, (-) hematochezia": a review of systems's minus signs
      'BLC-F-NEG-FOR', // "neg for melena, hematochezia or hematemesis"
      'BLC-F-NEG-SHORTHAND', // "neg melena, neg hematochezia"
      'BLC-F-NEGATIVE-FOR-NEXT-LINE', // "Negative for:\nChest pain, melena or hematochezia."
      'BLC-F-NOT-HAD', // "has not had melena", "never had hematemesis"
      'BLC-F-POS-NEG-ROWS', // "Pos: fatigue. Neg: melena, ...": the "Neg:" list denied
      'BLC-F-POSITIVE-TEST-IN-LIST', // "denies melena, hematochezia, positive FOBT or ...": every item denied
      'BLC-F-RESULT-AS-LAST-WORD-IN-LIST', // "..., FOBT positive or ...": likewise
      'BLC-F-RESULT-WORDS-IN-LIST', // "..., guaiac positive stools, or ...": no result stated
      'BLC-F-ROS-MINUS', // "+fatigue, +DOE, -CP, -melena": a minus sign on a line of signs
      'BLC-F-ROW-AFTER-HEADING', // "ROS: Melena no, ...": a row after a heading's colon
      'BLC-F-ROW-ANSWERED-NO', // "Melena no, hematochezia no": each item answered after its words
      'BLC-F-ROW-NO-THEN-DURATION', // "Melena no. 3 weeks of fatigue": a time, not a number's "No."
      'BLC-F-SIGN-THEN-RULED-OUT', // "+ melena ruled out": the item's own denial stays
      'BLC-F-SIGNS', // "Melena? -": a template's question answered by a sign
      'BLC-F-YES-NO-BOXES', // "Melena: [ ] Yes [x] No": the ticked box answers
      'BLC-F1',
      'BLC-F2',
      'BLC-F3',
      'BLC-F4',
      'BLC-F5',
    ]);
  });

  test('a cause denied ("not due to blood loss", "unrelated to any blood loss") contradicts the code; occult and menstrual wording documents it', () => {
    const f = lintCatalog('blood-loss-contradicted-by-notes.fires.yaml').filter((x) => x.ruleId === 'blood-loss-contradicted-by-notes');
    expect(f.find((x) => x.chartId === 'BLC-F4')!.message).toContain('("Iron deficiency anemia, not due to blood loss")');
    expect(f.find((x) => x.chartId === 'BLC-F5')!.message).toContain('("Iron deficiency anemia, unrelated to any blood loss")');
    expect(fired('blood-loss-contradicted-by-notes.quiet.yaml', 'blood-loss-contradicted-by-notes')).toEqual([]);
    expect(fired('blood-loss-anemia-undocumented.quiet.yaml', 'blood-loss-anemia-undocumented')).toEqual([]);
    const quiet = chartIdsOf(join(CATALOG, 'blood-loss-anemia-undocumented.quiet.yaml'));
    expect(quiet).toEqual(expect.arrayContaining(['BLU-Q-MENSES', 'BLU-Q-FIT']));
  });
});

describe('J3420 lines: re-point instead of code again, the iron pathway, premedication, headers', () => {
  const one = (file: string, id: string, chart: string): Finding => {
    const f = lintCatalog(file).filter((x) => x.ruleId === id && x.chartId === chart);
    expect(f).toHaveLength(1);
    return f[0]!;
  };

  test('a supporting diagnosis already on the encounter: the line is re-pointed, nothing is coded again', () => {
    expect(one('b12-injection-unsupported-dx.fires.yaml', 'b12-injection-unsupported-dx', 'UNSUP-F3').message).toBe(
      "J3420 is linked to I10: no diagnosis the line points at supports vitamin B12 therapy. The encounter codes D51.0, which supports it: if the notes document it as the patient's current condition, re-point the line to it.",
    );
    expect(one('b12-injection-anemia-unspecified.fires.yaml', 'b12-injection-anemia-unspecified', 'UNSPEC-F3').message).toContain(
      "The encounter codes D51.9, which supports B12 therapy: if the notes document it as the patient's current condition, re-point the line to it.",
    );
    expect(one('b12-injection-blood-loss-dx.fires.yaml', 'b12-injection-blood-loss-dx', 'BLDX-F2').message).toContain(
      "The encounter codes D51.0, which does: if the notes document it as the patient's current condition, re-point the line to it.",
    );
  });

  test('notes that rule the deficiency out: the message quotes them and asks no query for what the provider ruled out', () => {
    const f = one('b12-injection-unsupported-dx.fires.yaml', 'b12-injection-unsupported-dx', 'UNSUP-F-RULED-OUT');
    expect(f.severity).toBe('error');
    expect(f.message).toContain(
      'The chart\'s latest B12 result is 612 pg/mL on 2026-10-13, and the notes rule the deficiency out ("B12 deficiency ruled out, B12 612...")',
    );
    expect(f.message).toContain('the provider is not asked again for a diagnosis they ruled out');
    expect(f.message).not.toMatch(/\bquery\b/);
    expect(f.query).toBeUndefined();
  });

  test('a deficiency the assessment documents and nobody coded: code it as documented, and no query asks for what is written', () => {
    const f = one('b12-injection-unsupported-dx.fires.yaml', 'b12-injection-unsupported-dx', 'UNSUP-F-DOCUMENTED-NOT-CODED');
    expect(f.message).toContain(
      'The notes state the deficiency ("Vitamin B12 deficiency due to metformin, B12..."), and no diagnosis on the claim codes it: code it as the provider documents it and link the line to it',
    );
    expect(f.evidence.some((e) => e.kind === 'note' && e.excerpt?.startsWith('Vitamin B12 deficiency due to metformin'))).toBe(true);
    expect(f.query).toBeUndefined();
    expect(lintCatalog('b12-injection-unsupported-dx.quiet.yaml').filter((x) => x.chartId === 'UNSUP-Q-DOCUMENTED-CODED')).toEqual([]);
  });

  test("a deficiency stated against a normal, untreated B12: validated with the provider, not coded on the note's word", () => {
    const f = one('b12-injection-unsupported-dx.fires.yaml', 'b12-injection-unsupported-dx', 'UNSUP-F-TEACHING-NORMAL-B12');
    expect(f.message).toContain(
      "but the chart's latest B12 result, 610 pg/mL on 2026-10-29, is normal with no B12 therapy before it: query the provider whether the patient has the deficiency (clinical validation)",
    );
    expect(f.message).not.toContain('needs no question');
    // The question asked open: no option is supported by a low result.
    expect(f.query?.options).toEqual([]);
    expect(f.query?.question).toContain('what condition is the vitamin B12 therapy treating?');
  });

  test('a line with no diagnosis says so, without "none of which"', () => {
    const f = one('b12-injection-unsupported-dx.fires.yaml', 'b12-injection-unsupported-dx', 'UNSUP-F4');
    expect(f.message).toMatch(/^J3420 is linked to no diagnosis\. Link the documented reason/);
    for (const findings of byFile!.values()) for (const x of findings) expect(x.message).not.toContain('none of which');
  });

  test('D50.8 and D50.9 on a J3420 line are the iron pathway: an error that names it', () => {
    for (const [chart, code] of [
      ['BLDX-F3', 'D50.9'],
      ['BLDX-F4', 'D50.8'],
    ]) {
      const f = one('b12-injection-blood-loss-dx.fires.yaml', 'b12-injection-blood-loss-dx', chart!);
      expect(f.severity).toBe('error');
      expect(f.message).toContain(
        `J3420 is linked to ${code}: blood-loss and iron-deficiency anemia are the iron pathway, treated with iron`,
      );
    }
    expect(
      lintCatalog('b12-injection-anemia-unspecified.quiet.yaml').filter((x) => x.ruleId === 'b12-injection-anemia-unspecified'),
    ).toEqual([]);
  });

  test('B12 premedication for pemetrexed or pralatrexate (a service, a medication, or the note) is quiet', () => {
    for (const chart of ['UNSUP-Q5', 'UNSUP-Q6', 'UNSUP-Q7']) {
      expect(
        lintCatalog('b12-injection-unsupported-dx.quiet.yaml').filter((x) => x.chartId === chart && x.ruleId.startsWith('b12-injection-')),
      ).toEqual([]);
    }
  });

  test('a header linked to J3420 gives the header finding only, naming the subcodes that exist', () => {
    const findings = lintCatalog('header-code-not-billable.fires.yaml').filter((x) => x.chartId === 'HDR-F4');
    expect(findings.map((x) => x.ruleId)).toEqual(['header-code-not-billable']);
    expect(findings[0]!.message).toBe(
      'D51 is a category header, not a billable code: code the subcode the documentation supports (D51.0, D51.1, D51.2, D51.3, D51.8, D51.9).',
    );
    const d63 = lintCatalog('header-code-not-billable.fires.yaml')
      .filter((x) => x.chartId === 'HDR-F3')
      .map((x) => x.message);
    expect(d63).toEqual([
      'D63 is a category header, not a billable code: code the subcode the documentation supports (D63.0, D63.1, D63.8).',
      'D64.8 is a category header, not a billable code: code the subcode the documentation supports (D64.81, D64.89).',
    ]);
  });
});

describe('doses written as a volume with its concentration, and the configured injection interval', () => {
  const scratch = scratches('b12lint-interval-');

  test('"1 mL of 1000 mcg/mL" on the line, and "1 mL (1000 mcg/mL)" in the note, are 1000 mcg', () => {
    const f = lintCatalog('b12-units-dose-mismatch.fires.yaml').filter((x) => x.ruleId === 'b12-units-dose-mismatch');
    expect(f.map((x) => x.chartId)).toEqual([
      'UNITS-F1',
      'UNITS-F2',
      'UNITS-F3',
      'UNITS-F4',
      'DOSE-F-VOLUME',
      'UNITS-F-ORAL-SEMICOLON',
      'UNITS-F-BECAUSE-ORAL',
      'UNITS-F-ORAL-FAILED',
      'UNITS-F-HOME-MEDS-THEN-IM',
      'UNITS-F-LIST-THEN-PLAN',
      'UNITS-F-GIVEN-LINE-ENDS-LIST',
      'UNITS-F-PLAIN-LINE-ENDS-LIST',
      'UNITS-F-TODAY-THEN-SELF-INJECT',
      'UNITS-F-SELF-ADMIN-IN-CLINIC',
      'UNITS-F-FORGOT-SELF-INJECT-COMMA',
      'UNITS-F-GIVEN-AT-HOME-VISIT',
      'UNITS-F-AT-HOME-IN-REASON',
      'UNITS-F-OUTSIDE-DOSE-BILLED',
      'UNITS-F-GIVEN-AT-HER-HOME',
      'UNITS-F-AT-PCP-OFFICE',
      'UNITS-F-MAR-THOUSANDS', // "1,000 mcg/mL injection 1,000 mcg": a thousands separator is no stop
      'UNITS-F-TWO-LINES-ONE-DOSE', // once, for its two lines
    ]);
    expect(f[f.length - 1]!.message).toContain(
      'J3420 is billed with 2 unit(s) on 2 lines of this encounter, but the documented dose of 1000 mcg, written in the notes',
    );
    expect(f[f.length - 1]!.message).toContain(
      'Correct the units: one dose is billed on one line, unless the record documents a dose for each.',
    );
    expect(f[f.length - 1]!.pointer).toBe('/encounters/0/services/1');
    expect(f[2]!.message).toBe(
      'J3420 is billed with 2 unit(s), but the documented dose of 1 mL of 1000 mcg/mL (1000 mcg) is 1 unit(s) of J3420 (up to 1000 mcg each). Correct the units.',
    );
    expect(f[3]!.message).toContain('written in the notes ("Cyanocobalamin 1 mL (1000 mcg/mL)...")');
    expect(f[3]!.evidence.map((e) => e.kind)).toEqual(['service', 'note']);
    expect(lintCatalog('b12-units-dose-mismatch.quiet.yaml').filter((x) => x.ruleId === 'b12-units-dose-mismatch')).toEqual([]);
    // The container's size is not the dose, nor is a past oral dose (a coder's audit); the volume given is.
    expect(f[4]!.message).toContain('the documented dose of 2 mL of 1000 mcg/mL (2000 mcg)');
    expect(chartIdsOf(join(CATALOG, 'b12-units-dose-mismatch.quiet.yaml'))).toEqual(expect.arrayContaining(['DOSE-Q-VIAL', 'DOSE-Q-PAST']));
    // Nor a dose taken by mouth in the injection's sentence, whether before or after it (a coder's
    // review); an oral form in another clause leaves the injection's dose (UNITS-F-ORAL-SEMICOLON,
    // UNITS-F-BECAUSE-ORAL).
    expect(chartIdsOf(join(CATALOG, 'b12-units-dose-mismatch.quiet.yaml'))).toEqual(
      expect.arrayContaining(['UNITS-Q-HOME-ORAL-FIRST', 'UNITS-Q-ORAL-THEN-IM', 'UNITS-Q-DAILY-BY-MOUTH']),
    );
    expect(f[5]!.message).toContain('the documented dose of 2000 mcg');
  });

  test('the frequency message prints the interval the ruleset sets', () => {
    const [f] = lintCatalog('b12-injection-frequency.fires.yaml').filter((x) => x.ruleId === 'b12-injection-frequency');
    expect(f!.message).toContain('makes 2 B12 injections within 25 days (2026-09-10, 2026-09-24)');
    const config = scratch().write('b12lint.config.yaml', 'values: { injection-interval: 6w }\n');
    const r = cliJson(['--config', config, join('fixtures', 'catalog', 'b12-injection-frequency.fires.yaml')]);
    const g = r.report.results[0]!.findings.find((x) => x.ruleId === 'b12-injection-frequency')!;
    expect(g.message).toContain('within 6 weeks');
  });
});

describe('the rules the coder review added', () => {
  const only = (file: string, id: string): Finding[] => lintCatalog(file).filter((x) => x.ruleId === id);

  test('diagnosis-not-current: a ruled-out or history diagnosis on the claim, with the lines that point at it', () => {
    const f = only('diagnosis-not-current.fires.yaml', 'diagnosis-not-current');
    expect(f.map((x) => [x.chartId, x.severity, x.pointer])).toEqual([
      ['NOTCUR-F1', 'warning', '/encounters/0/diagnoses/0'],
      ['NOTCUR-F2', 'warning', '/encounters/0/diagnoses/0'],
      ['NOTCUR-F3', 'warning', '/encounters/0/diagnoses/1'],
      ['NOTCUR-F4', 'warning', '/encounters/0/diagnoses/0'],
      ['NOTCUR-F-COMMA-RESOLVED', 'warning', '/encounters/0/diagnoses/0'],
      ['NOTCUR-F-PA-RULED-OUT', 'warning', '/encounters/0/diagnoses/0'],
      ['NOTCUR-F-PA-FAMILY-ONLY', 'warning', '/encounters/0/diagnoses/0'],
      ['NOTCUR-F-SUBJECT-SHOWN', 'warning', '/encounters/0/diagnoses/0'],
      ['NOTCUR-F-RESOLVED-AFTER-OCCASION', 'warning', '/encounters/0/diagnoses/0'],
      ['NOTCUR-F-RESOLVED-OFF-B12', 'warning', '/encounters/0/diagnoses/1'],
      ['NOTCUR-F-NO-LONGER-ON-B12', 'warning', '/encounters/0/diagnoses/0'],
      ['NOTCUR-F-METFORMIN-STOPPED', 'warning', '/encounters/0/diagnoses/1'],
      ['NOTCUR-F-DECLINED-TO-RESUME', 'warning', '/encounters/0/diagnoses/1'],
      ['NOTCUR-F-INJECTABLE-HELD', 'warning', '/encounters/0/diagnoses/1'],
      ['NOTCUR-F-MEDREC-DISCONTINUED', 'warning', '/encounters/0/diagnoses/1'],
      ['NOTCUR-F-HELD-NEVER-RESTARTED', 'warning', '/encounters/0/diagnoses/1'],
      ['NOTCUR-F-HELD-NEVER-RESTARTED-COMMA', 'warning', '/encounters/0/diagnoses/1'],
      ['NOTCUR-F-HELD-PERMANENTLY', 'warning', '/encounters/0/diagnoses/1'],
      ['NOTCUR-F-MEDREC-REASON', 'warning', '/encounters/0/diagnoses/1'],
    ]);
    expect(f[0]!.message).toBe(
      'D51.0 is on the coded diagnoses of encounter E1, and billed lines point at it (J3420 on 2026-10-20, 96372 on 2026-10-20), but the record marks it ruled out: a condition ruled out is not coded. Take it off the claim and its lines, or query the provider if it is current.',
    );
    // The diagnosis, the note that rules it out (quoted in the provider query), and the lines that point at it.
    expect(f[0]!.evidence.map((e) => e.kind)).toEqual(['diagnosis', 'note', 'service', 'service']);
    expect(f[1]!.message).toContain('marks it as history: a condition no longer present is not coded as current');
    // With no status, the notes: ruled out in the assessment and nowhere current; a past condition no line treats.
    expect(f[2]!.message).toBe(
      'K90.0 is on the coded diagnoses of encounter E1, and billed lines point at it (J3420 on 2026-10-20), but the notes state it ruled out or absent ("Celiac disease ruled out, tTG-IgA negative...") and nowhere as current: a condition not present is not coded as current. Query the provider whether it is current at this visit.',
    );
    expect(f[3]!.message).toContain('the notes state it as a past condition ("Acute blood loss anemia in 2019 after GI...")');
    // "Acute blood loss anemia, resolved.": a status after a comma, a clause of its own.
    expect(f[4]!.message).toContain('the notes state it as a past condition ("Acute blood loss anemia, resolved")');
    // D51.0 names its cause: pernicious anemia ruled out, a dietary B12 deficiency stated beside it.
    expect(f[5]!.message).toContain('the notes state it ruled out or absent ("Pernicious anemia ruled out, IF Ab...")');
    expect(only('diagnosis-not-current.quiet.yaml', 'diagnosis-not-current')).toEqual([]);
  });

  test('b12-drug-code-mismatch: hydroxocobalamin or methylcobalamin billed as J3420; bill it under its own code', () => {
    const f = only('b12-drug-code-mismatch.fires.yaml', 'b12-drug-code-mismatch');
    // "Rash after cyanocobalamin; switched to hydroxocobalamin": the cyanocobalamin named is the one she reacted to (a coder's review).
    expect(f.map((x) => x.chartId)).toEqual(['DRUG-F1', 'DRUG-F2', 'DRUG-F-OUT-OF-STOCK', 'DRUG-F-SWITCHED', 'DRUG-F-METHYL-B12']);
    expect(f[0]!.message).toContain(
      "the B12 documented is Hydroxocobalamin: J3420 is cyanocobalamin only. Bill the drug given under its own code (usually J3490, unclassified drugs, with the NDC) and check the payer's policy",
    );
    expect(f[0]!.evidence).toContainEqual(expect.objectContaining({ kind: 'medication' }));
    expect(f[1]!.message).toContain('the B12 documented is Methylcobalamin');
    expect(only('b12-drug-code-mismatch.quiet.yaml', 'b12-drug-code-mismatch')).toEqual([]);
  });

  test('injection-billed-on-telehealth: 96372 and J3420 on a telehealth encounter, not on the nurse visit that gave it', () => {
    const f = only('injection-billed-on-telehealth.fires.yaml', 'injection-billed-on-telehealth');
    expect(f.map((x) => [x.chartId, x.pointer])).toEqual([
      ['TELE-F1', '/encounters/0/services/0'],
      ['TELE-F1', '/encounters/0/services/1'],
      ['TELE-F-DATES', '/encounters/0/services/0'],
      ['TELE-F-DATES', '/encounters/0/services/1'],
      ['TELE-F-NOTE', '/encounters/0/services/0'],
      ['TELE-F-NOTE', '/encounters/0/services/1'],
      // "Virtual visit (audio and video)", "performed via two-way audio-video telehealth".
      ['TELE-F-VIRTUAL', '/encounters/0/services/0'],
      ['TELE-F-VIRTUAL', '/encounters/0/services/1'],
      ['TELE-F-AUDIO-VIDEO', '/encounters/0/services/0'],
      ['TELE-F-AUDIO-VIDEO', '/encounters/0/services/1'],
      // "This encounter was conducted via real-time audio/video telehealth" (a coder's review).
      ['TELE-F-ENCOUNTER-CONDUCTED', '/encounters/0/services/1'],
      ['TELE-F-ENCOUNTER-CONDUCTED', '/encounters/0/services/2'],
      // "Visit completed by phone at patient request" (a coder's review).
      ['TELE-F-BY-PHONE', '/encounters/0/services/0'],
      ['TELE-F-BY-PHONE', '/encounters/0/services/1'],
      ['TELE-F-PERFORMED-BY-PHONE', '/encounters/0/services/1'], // "Visit performed by telephone"
      ['TELE-F-PERFORMED-BY-PHONE', '/encounters/0/services/2'],
    ]);
    // The visit's own date, not its lines' (a coder's audit).
    expect(f[2]!.message).toContain('a telehealth visit on 2026-10-05: no one was there');
    // An office visit the note documents as remote: the note is quoted, and is the evidence.
    expect(f[4]!.message).toContain('is billed on encounter E1, documented as a remote visit ("This visit was conducted via video');
    expect(f[4]!.evidence).toContainEqual(expect.objectContaining({ kind: 'note', section: 'hpi' }));
    expect(only('injection-billed-on-telehealth.quiet.yaml', 'injection-billed-on-telehealth')).toEqual([]);
  });
});

describe('the one chart that is clean under every rule', () => {
  test('gives no finding at all', () => {
    const r = cliJson(['--no-config-lookup', '--icd10', ICD10, 'fixtures/charts/clean.yaml']);
    expect(r.code).toBe(0);
    expect(r.report.results[0]!.findings).toEqual([]);
    expect(r.report.ruleset).toEqual({ name: 'b12lint:recommended', rules: 35 });
  });
});

describe('ICD-10-CM tables by fiscal year', () => {
  const scratch = scratches('b12lint-fy-');

  test('each diagnosis is checked against the table in force on its encounter date', () => {
    const dir = join(ROOT, 'fixtures', 'icd10');
    const chart =
      'chartId: FY\nencounters:\n  - { id: E1, date: 2025-09-30, diagnoses: [{ code: K90.0 }] }\n  - { id: E2, date: 2025-10-01, diagnoses: [{ code: K90.0 }] }\n';
    const tmp = scratch().dir;
    writeFileSync(join(tmp, 'fy.yaml'), chart);
    const r = cliJson([
      '--no-config-lookup',
      '--icd10',
      join(dir, 'icd10cm_order_2025.txt'),
      '--icd10',
      join(dir, 'icd10cm_order_2026.txt'),
      join(tmp, 'fy.yaml'),
    ]);
    const unknown = r.report.results[0]!.findings.filter((f) => f.ruleId === 'unknown-icd10-code');
    // K90.0 is in the FY2026 excerpt only: the FY2025 encounter (2025-09-30) is flagged, the FY2026 one is not.
    expect(unknown.map((f) => [f.encounterId, f.message.includes('(FY2025)')])).toEqual([['E1', true]]);
  });

  test("a fiscal year's April 1 update is in force from 1 April, its October table until 31 March", () => {
    const dir = scratch().dir;
    const october = readFileSync(join(ROOT, 'fixtures', 'icd10', 'icd10cm_order_2026.txt'), 'latin1');
    // The test's own April table: I10 taken out, a code added (D53.0, not in the October excerpt).
    const april =
      october
        .split('\n')
        .filter((l) => !/^\d{5} I10 /.test(l))
        .join('\n')
        .trimEnd() + '\n00032 D530    1 Protein deficiency anemia                                    Protein deficiency anemia\n';
    writeFileSync(join(dir, 'icd10cm_order_2026_April.txt'), april, 'latin1');
    writeFileSync(join(dir, 'update.txt'), april, 'latin1');
    const chart = [
      'chartId: APRIL',
      'encounters:',
      '  - { id: MAR31, date: 2026-03-31, diagnoses: [{ code: D53.0 }, { code: I10 }] }',
      '  - { id: APR01, date: 2026-04-01, diagnoses: [{ code: D53.0 }, { code: I10 }] }',
      '',
    ].join('\n');
    writeFileSync(join(dir, 'april.yaml'), chart);
    const october2026 = join(ROOT, 'fixtures', 'icd10', 'icd10cm_order_2026.txt');
    // The update told by its name, or written path@2026-04; in either order on the command line.
    for (const tables of [
      [october2026, join(dir, 'icd10cm_order_2026_April.txt')],
      [join(dir, 'update.txt@2026-04'), october2026],
    ]) {
      const r = cliJson(['--no-config-lookup', ...tables.flatMap((t) => ['--icd10', t]), join(dir, 'april.yaml')]);
      const unknown = r.report.results[0]!.findings.filter((f) => f.ruleId === 'unknown-icd10-code');
      expect(unknown.map((f) => `${f.encounterId} ${f.message.split(' ')[0]} ${/\((FY[^)]*)\)/.exec(f.message)![1]}`)).toEqual([
        'MAR31 D53.0 FY2026',
        'APR01 I10 FY2026, April 1 update',
      ]);
    }
    // A name with "APR" in another sense is no April update; the month after the year is.
    writeFileSync(join(dir, 'icd10cm_order_2026_APR-DRG.txt'), october, 'latin1');
    writeFileSync(join(dir, 'icd10cm_order_2026-04.txt'), april, 'latin1');
    const named = cliJson([
      '--no-config-lookup',
      ...['icd10cm_order_2026_APR-DRG.txt', 'icd10cm_order_2026-04.txt'].flatMap((t) => ['--icd10', join(dir, t)]),
      join(dir, 'april.yaml'),
    ]);
    expect(named.report.results[0]!.findings.filter((f) => f.ruleId === 'unknown-icd10-code').map((f) => f.encounterId)).toEqual([
      'MAR31',
      'APR01',
    ]);
    // Two files for the same days: refused, whichever order they come in (exit 2, the file named).
    const twice = cli([
      '--no-config-lookup',
      '--icd10',
      october2026,
      '--icd10',
      join(dir, 'icd10cm_order_2026_APR-DRG.txt'),
      join(dir, 'april.yaml'),
    ]);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain('is also FY2026: give one file for each');
    // The update alone judges only its own days.
    const alone = cliJson(['--no-config-lookup', '--icd10', join(dir, 'update.txt@2026-04'), join(dir, 'april.yaml')]);
    expect(alone.report.results[0]!.findings.filter((f) => f.ruleId === 'unknown-icd10-code').map((f) => f.encounterId)).toEqual(['APR01']);
  });
});

test('every finding of the catalog is located, and so is its evidence', () => {
  lintCatalog('b12-injection-unsupported-dx.fires.yaml');
  for (const findings of byFile!.values()) {
    for (const f of findings) {
      expect(f.line).toBeGreaterThan(0);
      expect(f.column).toBeGreaterThan(0);
      for (const e of f.evidence) expect([e.line! > 0, e.column! > 0]).toEqual([true, true]);
    }
  }
});
