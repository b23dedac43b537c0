/**
 * Assertions read the way a coder reads a note: each mention is affirmed, negated, possible,
 * hypothetical, historical or a relative's (family). The sentences of the coder's review come
 * first, then the traps a careful annotator wrote (fixtures/assertions/traps.yaml, each with why).
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { parse } from 'yaml';
import type { Assertion } from '../src/rules/context.js';
import { TermMatcher } from '../src/rules/terms.js';
import { builtinContext } from './helpers/engine.js';

const context = builtinContext();

/** The assertion of each occurrence of a term in a text (in order). */
function read(text: string, term: string, section = ''): Assertion[] {
  return new TermMatcher([term], context).find(text, section).map((h) => h.assertion);
}

describe("the coder's review: sentences that were misread", () => {
  test.each<[string, string, Assertion]>([
    // Scope: "No" belongs to "new complaints".
    ['No new complaints, pernicious anemia stable on monthly B12 injections.', 'pernicious anemia', 'affirmed'],
    // Negation after the term.
    ['B12 deficiency ruled out: B12 612 pg/mL.', 'B12 deficiency', 'negated'],
    ['B12 deficiency unlikely.', 'B12 deficiency', 'negated'],
    ['Fecal occult blood was negative.', 'occult blood', 'negated'],
    // Historical.
    ['History of GI bleed 2019, resolved.', 'GI bleed', 'historical'],
    // A cue alone in its clause, its date after it (rev39): "- DISCONTINUED 3/2026".
    ['Med rec: Metformin 1000 mg BID - DISCONTINUED 3/2026 (GI upset).', 'Metformin', 'historical'],
    ['GI bleed - denied 03/14/2026.', 'GI bleed', 'negated'],
    ['Metformin 1000 mg BID - discontinued 3/2026 pending labs.', 'Metformin', 'affirmed'],
    // A stop's reason or agent after it, at most four words (rev40); not a denial's (a payer's, rev41) nor a doubt's date.
    ['Metformin 1000 mg BID - discontinued 3/2026 due to diarrhea; A1c 6.3 on diet alone.', 'Metformin', 'historical'],
    ['Metformin 1000 mg BID - DISCONTINUED 3/2026 by nephrology (eGFR 28).', 'Metformin', 'historical'],
    ['B12 deficiency, likely due to metformin.', 'B12 deficiency', 'affirmed'],
    ['Iron deficiency anemia, denied by insurance for IV iron.', 'Iron deficiency anemia', 'affirmed'],
    ['Iron deficiency anemia, denied by BCBS for IV iron.', 'Iron deficiency anemia', 'affirmed'],
    ['Pernicious anemia - suspected 2019, IF ab positive 3/2020, on monthly IM B12.', 'Pernicious anemia', 'affirmed'],
    ['Iron deficiency anemia, resolved per pt, though ferritin today 8.', 'Iron deficiency anemia', 'affirmed'],
    ['Iron deficiency anemia, resolved 2023, now recurrent UTIs on nitrofurantoin.', 'Iron deficiency anemia', 'historical'],
    [
      'Acute blood loss anemia, resolved by transfusion but Hgb down again to 7.9 today with melena.',
      'Acute blood loss anemia',
      'affirmed',
    ],
    // A status, its means and their date (rev40).
    ['Acute blood loss anemia, resolved by transfusion 10/2026.', 'acute blood loss anemia', 'historical'],
    // Resolved, then back (rev40): a later status in a clause of its own, however far from the head.
    ['Iron deficiency anemia, resolved by IV iron 2025, now recurrent with ferritin 6 and Hgb 9.8.', 'Iron deficiency anemia', 'affirmed'],
    ['Iron deficiency anemia, resolved, B12 deficiency now recurrent.', 'Iron deficiency anemia', 'historical'],
    // Resolved, then back (rev40).
    [
      'Iron deficiency anemia - resolved 2023, recurred 10/2026 (ferritin 6, Hgb 9.9), on ferrous sulfate.',
      'Iron deficiency anemia',
      'affirmed',
    ],
    ['Patient no longer has melena.', 'melena', 'historical'],
    // Hypothetical.
    ['Rule out GI bleed.', 'GI bleed', 'hypothetical'],
    ['Return if bleeding recurs.', 'bleeding', 'hypothetical'],
    ['Risks include bleeding and infection.', 'bleeding', 'hypothetical'],
    // Experiencer.
    ['Mother had pernicious anemia.', 'pernicious anemia', 'family'],
    ["Her sister has Crohn's disease.", "Crohn's disease", 'family'],
    // Uncertainty attached to another concept.
    ['B12 deficiency anemia, likely dietary.', 'B12 deficiency anemia', 'affirmed'],
    ['B12 deficiency anemia, likely dietary.', 'dietary', 'possible'],
    ['PA confirmed; will likely need lifelong injections.', 'PA', 'affirmed'],
    ['Rule out pernicious anemia.', 'pernicious anemia', 'hypothetical'],
  ])('%s  [%s: %s]', (text, term, expected) => {
    expect(read(text, term)).toEqual([expected]);
  });
});

describe('scope', () => {
  test('a termination cue ends a negation: "Denies melena but reports hematochezia"', () => {
    expect(read('Denies melena but reports hematochezia.', 'melena')).toEqual(['negated']);
    expect(read('Denies melena but reports hematochezia.', 'hematochezia')).toEqual(['affirmed']);
  });

  test('a negation never reaches the next sentence or clause after a semicolon', () => {
    expect(read('No fever; anemia stable.', 'anemia')).toEqual(['affirmed']);
    expect(read('No fever.\nAnemia stable.', 'anemia')).toEqual(['affirmed']);
  });

  test('a cue before a term reaches a list of terms within its window', () => {
    const text = 'Denies melena, hematochezia, hematemesis or other bleeding.';
    expect(read(text, 'bleeding')).toEqual(['negated']);
    expect(read(text, 'hematemesis')).toEqual(['negated']);
  });

  test('a cue reaches no further than its window of words', () => {
    expect(read('No zeta kappa omicron sigma tau upsilon phi bleeding.', 'bleeding')).toEqual(['negated']);
    expect(read('No zeta kappa omicron sigma tau upsilon phi chi bleeding.', 'bleeding')).toEqual(['affirmed']);
  });

  test('a cue after a term stops at a comma: "Iron deficiency, B12 deficiency ruled out"', () => {
    expect(read('Iron deficiency, B12 deficiency ruled out.', 'iron deficiency')).toEqual(['affirmed']);
    expect(read('Iron deficiency, B12 deficiency ruled out.', 'B12 deficiency')).toEqual(['negated']);
  });

  test('a period inside a code or a number does not end the sentence', () => {
    expect(read('No D51.0 or bleeding noted.', 'bleeding')).toEqual(['negated']);
  });

  test('a genus written by its initial does not end the sentence: "H. pylori"; a period after a longer word, or before a short or capitalised word, does', () => {
    // One sentence: the denial before "H." reaches the gastritis after it (a coder's review, rev35).
    expect(read('No H. pylori gastritis.', 'gastritis')).toEqual(['negated']);
    const m = new TermMatcher(['atrophic gastritis'], context);
    expect(m.find('B12 deficiency anemia due to atrophic gastritis (H. pylori negative). IF Ab negative.')[0]!.excerpt).toBe(
      'B12 deficiency anemia due to atrophic gastritis (H. pylori negative)',
    );
    // Two sentences: a word of two letters after it ("pt"), a capital ending a longer word, or a capital word after it.
    expect(read('No vitamin D. pt reports bleeding.', 'bleeding')).toEqual(['affirmed']);
    expect(read('No IgA. bleeding since May.', 'bleeding')).toEqual(['affirmed']);
    expect(read('No hepatitis B. Bleeding since May.', 'bleeding')).toEqual(['affirmed']);
  });

  test('pseudo-cues negate nothing', () => {
    expect(read('No change in bleeding pattern.', 'bleeding')).toEqual(['affirmed']);
    expect(read('Gram negative rods; bleeding from the line site.', 'bleeding')).toEqual(['affirmed']);
    expect(read('Not only fatigue but also bleeding gums.', 'bleeding')).toEqual(['affirmed']);
  });
});

describe('sections', () => {
  test('a "Family history:" heading makes the mentions under it family, until the next heading', () => {
    const note = 'Family history: pernicious anemia.\nColon cancer.\nAssessment: pernicious anemia, on monthly B12.';
    expect(read(note, 'pernicious anemia')).toEqual(['family', 'affirmed']);
  });

  test('a past medical history section is historical unless the sentence says current', () => {
    expect(read('PMH: GI bleed.', 'GI bleed')).toEqual(['historical']);
    expect(read('PMH: pernicious anemia, currently on maintenance B12.', 'pernicious anemia')).toEqual(['affirmed']);
  });

  test("a note's own section counts like a heading", () => {
    expect(read('Pernicious anemia.', 'pernicious anemia', 'family-history')).toEqual(['family']);
    expect(read('GI bleed.', 'GI bleed', 'past-history')).toEqual(['historical']);
  });

  test('a heading counts only at the start of a line or sentence, before a colon', () => {
    expect(read('Discussed family history: none. Bleeding today.', 'bleeding')).toEqual(['affirmed']);
  });
});

describe('the patient named with a relative (`together:` patient cues)', () => {
  test.each<[string, Assertion]>([
    ['Both she and her mother have celiac disease.', 'affirmed'],
    ['Both she and her older sister have celiac disease.', 'affirmed'],
    ['Celiac disease diagnosed in son first, then in pt.', 'affirmed'],
    ['Celiac disease in her mother and in pt.', 'affirmed'],
    ['FH: Both she and her mother have celiac disease.', 'affirmed'],
    ['Celiac disease dx in son 2019, then in pt 2021 (biopsy-proven).', 'affirmed'],
    // A status followed by the means it came about by is still alone in its clause (rev39).
    ['Celiac disease dx in her mother 2010, then in pt in 2021 by EGD bx.', 'affirmed'],
    // The patient and a blood relative, "both" after them (rev38).
    ['Pt and her mother both have celiac disease, pt biopsy-proven 2018.', 'affirmed'],
    ['She and her sister both have celiac disease.', 'affirmed'],
    ['Pt and mother both have celiac disease, dx 2018 by biopsy.', 'affirmed'],
    // A word between the pair's start and the relative; a spouse or an in-law "both" too (rev40).
    ['Pt and her older sister both have celiac disease (sister dx 2015, pt dx 2021 by EGD bx).', 'affirmed'],
    ['She and her twin sister both have celiac disease (biopsy-proven 2019).', 'affirmed'],
    ['She and her husband both have celiac disease.', 'affirmed'],
    ['She and her mother-in-law both have celiac disease.', 'affirmed'],
    // A means after the status: "by" and at most four words (rev40).
    ['Celiac disease dx in her mother 2010, then in pt in 2021 by EGD with duodenal biopsies.', 'affirmed'],
    // The relative first, the patient after it (rev40).
    ['Her mother and she both have celiac disease; pt on gluten-free diet since 2018.', 'affirmed'],
    // Whatever else reaches the mention still reads.
    ['Both she and her mother deny celiac disease.', 'negated'],
  ])('%s: %s', (text, want) => {
    expect(read(text, 'celiac disease')).toEqual([want]);
  });

  test.each([
    // A family cue that is no relative named beside the patient.
    'Both she and her mother have a family history of celiac disease.',
    "Both she and her husband worry about her father's celiac disease.",
    // The patient named beside another relative than the one who has it.
    "Celiac disease in mother, then in pt's sister.",
    // Not every "pt and her" names the patient as one who has it.
    'Pt and her daughter report the daughter has celiac disease.',
    // The patient's relative ("pt's sister"), and a test, not a condition had (rev38).
    "Celiac disease in her mother and in pt's sister.",
    'Both she and her sister were screened for celiac disease in 2025: sister positive, pt negative.',
    'Her mother has celiac disease.',
    'Pt has a mother with celiac disease.',
    // Not one subject: a stop between the pair's start and the relative, no pair's end, no verb
    // of having after "both" (rev41), or another relative's cue beside the pair.
    'She and her. Sister both have celiac disease.',
    'She and her husband both worry about celiac disease since their daughter was diagnosed.',
    'Pt and her daughter both asked about celiac disease.',
    'She and her sister both have a family history of celiac disease.',
    'Her two sisters both have celiac disease.',
    // "Both" after two relatives, or the patient named with a relative without it.
    'Her mother and her sister both have celiac disease.',
    'She and her sister were screened for celiac disease: sister positive, pt negative.',
    // The relative a together cue names within it is a family cue too, past the patient's termination (rev40).
    'Pt and her mother both were tested for celiac disease in 2025: mother positive, pt negative.',
    // More than a means after the status: no clause of its own.
    'Celiac disease dx in her mother 2010, then in pt in 2021 by EGD and small bowel bx with her sister.',
  ])("stays a relative's: %s", (text) => {
    expect(read(text, 'celiac disease')).toEqual(['family']);
  });
});

describe('a drug switched to after one stopped', () => {
  test('is current, the one stopped past', () => {
    expect(read('Metformin ER stopped, switched to metformin IR 500 mg BID.', 'metformin')).toEqual(['historical', 'affirmed']);
    expect(read('Stopped IM injections, switched to oral B12.', 'oral b12')).toEqual(['affirmed']);
  });
});

describe('a date a surgery is booked for, right after its name', () => {
  test.each<[string, Assertion]>([
    ['Sleeve gastrectomy scheduled for 12/2026.', 'hypothetical'],
    ['Sleeve gastrectomy scheduled 01/15/2027 with Dr. Lee.', 'hypothetical'],
    // Not another surgery's date, nor a schedule with no date.
    ['Sleeve gastrectomy 2019, revision scheduled for 12/2026.', 'affirmed'],
    ['Sleeve gastrectomy scheduled for follow-up.', 'affirmed'],
  ])('%s: %s', (text, want) => {
    expect(read(text, 'sleeve gastrectomy')).toEqual([want]);
  });

  test('a condition right before "scheduled for" is not planned', () => {
    expect(read('Pt with melena scheduled for EGD.', 'melena')).toEqual(['affirmed']);
  });
});

describe('precedence when several cues reach one mention', () => {
  test.each<[string, string, Assertion]>([
    ['No family history of pernicious anemia.', 'pernicious anemia', 'family'],
    ['No history of GI bleed.', 'GI bleed', 'negated'],
    ['History of possible GI bleed.', 'GI bleed', 'historical'],
    ['Pernicious anemia diagnosed in 2015, on monthly B12 injections.', 'pernicious anemia', 'affirmed'],
    ['Gastric bypass in 2019.', 'gastric bypass', 'historical'],
    ['Metformin stopped in 2022.', 'metformin', 'historical'],
    ['Referred for bariatric surgery evaluation.', 'bariatric surgery', 'hypothetical'],
  ])('%s  [%s: %s]', (text, term, expected) => {
    expect(read(text, term)).toEqual([expected]);
  });
});

describe('traps written by an annotator (fixtures/assertions/traps.yaml)', () => {
  interface Trap {
    text: string;
    section?: string;
    why?: string;
    mentions: { term: string; assertion: Assertion }[];
  }
  const traps = parse(readFileSync(new URL('../fixtures/assertions/traps.yaml', import.meta.url), 'utf8')) as Trap[];

  test('the file holds at least 60 traps covering every assertion', () => {
    expect(traps.length).toBeGreaterThanOrEqual(60);
    const classes = new Set(traps.flatMap((t) => t.mentions.map((m) => m.assertion)));
    expect([...classes].sort()).toEqual(['affirmed', 'family', 'historical', 'hypothetical', 'negated', 'possible']);
  });

  test.each(traps.map((t) => [t.text, t]))('%s', (_text, trap) => {
    const got: Record<string, Assertion[]> = {};
    const want: Record<string, Assertion[]> = {};
    for (const m of trap.mentions) {
      const key = m.term.toLowerCase();
      (want[key] ??= []).push(m.assertion);
      got[key] ??= read(trap.text, m.term, trap.section ?? '');
    }
    expect({ why: trap.why, got }).toEqual({ why: trap.why, got: want });
  });
});

describe('matching stays linear in the length of a note', () => {
  // No timing here (a busy machine would fail it): the work is counted instead. Every mention
  // looks at a bounded number of cues, so doubling a sentence doubles the cues it holds and the
  // mentions found, never more. The 1 MB note's time is a row of `npm run bench`.
  test('a sentence of many cues and mentions is read completely and consistently', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2000 }), (n) => {
        const text = 'no melena, '.repeat(n) + 'bleeding.';
        const hits = new TermMatcher(['melena', 'bleeding'], context).find(text);
        expect(hits.length).toBe(n + 1);
        expect(hits.every((h) => h.assertion === 'negated')).toBe(true);
      }),
      { numRuns: 20 },
    );
  });
});
