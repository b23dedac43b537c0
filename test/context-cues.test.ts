/**
 * Every entry of the built-in context cue lists (rulesets/context.yaml) earns its place: for each
 * one, a sentence built around it is read with the entry and without it, and the two readings
 * differ. A cue that another cue already covers fails here, so the lists hold no dead words.
 */
import { CompiledContext, CUE_CATEGORIES, type Assertion, type ContextConfig, type CueCategory } from '../src/rules/context.js';
import { TermMatcher } from '../src/rules/terms.js';
import { builtinContext } from './helpers/engine.js';

const base = builtinContext().config;
const FILLER = ['zeta', 'kappa', 'omicron', 'sigma', 'tau', 'upsilon', 'phi', 'chi'];
const words = (n: number): string => FILLER.slice(0, n).join(' ');
const concrete = (cue: string): string =>
  cue
    .replace(/<year>/g, '2019')
    .replace(/<date>/g, '12/2026')
    .replace(/<day>/g, '2/14');

/**
 * The assertion of "bleeding" in a text read with a context; for an overlapping cue's probe, of
 * the term that ends in the cue's first word ("bleeding low" in "bleeding low normal.").
 */
function reading(config: ContextConfig, text: string, section = '', term = 'bleeding'): Assertion | undefined {
  return new TermMatcher([term], new CompiledContext(config)).find(text, section)[0]?.assertion;
}

function without(
  kind: 'list' | 'cue',
  name: string,
  entry: string,
  part?: 'before' | 'after' | 'rightBefore' | 'rightAfter' | 'overlapping' | 'sections' | 'termination' | 'pairStarts' | 'pairEnds',
): ContextConfig {
  if (kind === 'list') {
    const key = name as 'pseudo' | 'termination' | 'headings';
    return { ...base, [key]: base[key].filter((w) => w !== entry) };
  }
  const cat = name as CueCategory;
  const lists = base.categories[cat];
  return { ...base, categories: { ...base.categories, [cat]: { ...lists, [part!]: (lists[part!] ?? []).filter((w) => w !== entry) } } };
}

const EXPECTED: Record<Exclude<CueCategory, 'current' | 'patient'>, Assertion> = {
  negation: 'negated',
  uncertainty: 'possible',
  hypothetical: 'hypothetical',
  historical: 'historical',
  family: 'family',
};

/** Sentences in which an entry should decide the reading: the first that does so counts. */
function probes(name: string, part: string, cue: string): { text: string; section?: string; term?: string }[] {
  const c = concrete(cue);
  // A patient's termination ends a together cue's reach: the relative's cue then decides.
  if (name === 'patient' && part === 'termination') return [{ text: `Both she and her mother ${c} bleeding.` }];
  // A pair's start and end around a relative's cue: the patient and the relative, one subject.
  if (part === 'pairStarts') return [{ text: `${c} mother both have bleeding.` }, { text: `${c} older mother both have bleeding.` }];
  if (part === 'pairEnds') return [{ text: `She and her mother ${c} have bleeding.` }];
  if (name === 'patient') {
    // A cue that names the patient with a relative outweighs the relative's cue, before or after it.
    if ((base.categories.patient.together ?? []).includes(cue))
      return part === 'before'
        ? [{ text: `${c} mother have bleeding.` }]
        : // A status alone in its clause speaks of the clause before ("..., then in pt 2021").
          [{ text: `Mother has bleeding ${c}.` }, { text: `Bleeding in mother first, ${c}.` }];
    return [{ text: `Family history: sister healthy.\n${c} bleeding.` }];
  }
  if (name === 'current') {
    return part === 'before'
      ? [{ text: `History of ${c} bleeding.` }, { text: `Prior ${c} bleeding.` }]
      : // A cue alone only as a later status: "..., resolved by iron, now recurrent with anemia".
        [
          { text: `History of bleeding, ${c}.` },
          { text: `History of bleeding ${c}.` },
          { text: `Bleeding, resolved by iron, ${c} with anemia.` },
        ];
  }
  if (part === 'termination') {
    // A cue of the category, the termination, then the term: the term is out of the cue's scope.
    const lists = base.categories[name as CueCategory];
    return [
      ...lists.before.map((b) => ({ text: `${concrete(b)} ${c} bleeding.` })),
      ...lists.after.map((a) => ({ text: `bleeding ${c} ${concrete(a)}.` })),
    ];
  }
  if (part === 'sections') return [{ text: `${c}:\nbleeding.` }, { text: 'bleeding.', section: cue }];
  if (part === 'rightBefore') return [{ text: `${c} bleeding.` }];
  if (part === 'rightAfter') return [{ text: `bleeding ${c}.` }];
  // A cue that begins inside the mention: its first word is the term's last ("bleeding low normal"
  // read with the term "bleeding low").
  if (part === 'overlapping') return [{ text: `bleeding ${c}.`, term: `bleeding ${c.split(' ')[0]}` }];
  return part === 'before'
    ? [{ text: `${c} ${words(7)} bleeding.` }, { text: `${c} bleeding.` }]
    : [{ text: `bleeding ${words(4)} ${c}.` }, { text: `bleeding ${c}.` }, { text: `bleeding - ${c}.` }];
}

describe('every cue of the built-in context decides a reading that is different without it', () => {
  for (const name of CUE_CATEGORIES) {
    for (const part of [
      'before',
      'after',
      'rightBefore',
      'rightAfter',
      'overlapping',
      'sections',
      'termination',
      'pairStarts',
      'pairEnds',
    ] as const) {
      const entries = base.categories[name][part] ?? [];
      if (entries.length === 0) continue;
      test.each(entries.map((e) => [e]))(`${name}.${part}: %s`, (cue) => {
        const want: Assertion =
          name === 'patient' && part === 'termination'
            ? 'family'
            : name === 'current' || name === 'patient' || part === 'termination'
              ? 'affirmed'
              : EXPECTED[name as keyof typeof EXPECTED];
        const smaller = without('cue', name, cue, part);
        const decisive = probes(name, part, cue).find(
          (p) => reading(base, p.text, p.section, p.term) === want && reading(smaller, p.text, p.section, p.term) !== want,
        );
        expect(decisive ?? `no sentence where "${cue}" makes "bleeding" ${want}`).toEqual(
          expect.objectContaining({ text: expect.any(String) }),
        );
      });
    }
  }

  test.each(base.pseudo.map((e) => [e]))('pseudo: %s', (cue) => {
    const c = concrete(cue);
    const smaller = without('list', 'pseudo', cue);
    const texts = [`${c} bleeding.`, `bleeding ${c}.`, `${c} in bleeding.`, `bleeding, ${c}.`];
    const decisive = texts.find((t) => reading(base, t) === 'affirmed' && reading(smaller, t) !== 'affirmed');
    expect(decisive ?? `no sentence where "${cue}" keeps "bleeding" affirmed`).toEqual(expect.stringContaining('bleeding'));
  });

  test.each(base.termination.map((e) => [e]))('termination: %s', (cue) => {
    const smaller = without('list', 'termination', cue);
    const texts = [`No melena ${concrete(cue)} bleeding.`, `Mother ${concrete(cue)} bleeding.`];
    const decisive = texts.find((t) => reading(base, t) === 'affirmed' && reading(smaller, t) !== 'affirmed');
    expect(decisive ?? `no sentence where "${cue}" ends a scope before "bleeding"`).toEqual(expect.stringContaining('bleeding'));
  });

  const marks = CUE_CATEGORIES.flatMap((name) => (base.categories[name].marks ?? []).map((m) => [name, m] as const));
  test.each(marks)('%s.marks: %s', (name, mark) => {
    const want = EXPECTED[name as keyof typeof EXPECTED];
    const lists = base.categories[name];
    const smaller = { ...base, categories: { ...base.categories, [name]: { ...lists, marks: lists.marks!.filter((m) => m !== mark) } } };
    // A mark that ends with a space ("[ ] ", an unticked box) stands before its word only.
    // A box leads its line, or follows a heading's colon.
    // A bare "-" is a minus sign only on a line whose items take signs ("+fatigue, -melena").
    const forms =
      mark === '-'
        ? ['ROS: +fatigue, -bleeding.', '+fatigue -bleeding.']
        : [
            `${mark}bleeding.`,
            ...(mark.endsWith(' ') ? [`ROS: ${mark}bleeding.`] : [`Anemia, ${mark}bleeding.`, `Anemia, bleeding${mark} Hgb pending.`]),
          ];
    // Each form takes the mark's reading; without the mark, some form is affirmed (a sign that is
    // also an answer still answers the item it begins: "?bleeding" at a line's start).
    for (const text of forms) expect([text, reading(base, text)]).toEqual([text, want]);
    expect(forms.map((text) => reading(smaller, text))).toContain('affirmed');
  });

  const answers = (['affirmed', 'negated', 'possible'] as const).flatMap((kind) =>
    (base.answers?.[kind] ?? []).map((w) => [kind, w] as const),
  );
  test.each(answers)('answers.%s: %s', (kind, word) => {
    const smaller = { ...base, answers: { ...base.answers!, [kind]: base.answers![kind]!.filter((w) => w !== word) } };
    // The word decides a reading after a mark or after a template's colon: with it the mention
    // takes its kind, without it another reading.
    // An affirming or open answer also answers the list item it begins ("Denies fever, ++ bleeding").
    const readings = [`Bleeding? ${word}.`, `Bleeding: ${word}.`, `Denies fever, ${word} bleeding.`].map((text) => ({
      text,
      with: reading(base, text),
      without: reading(smaller, text),
    }));
    expect({ word, decides: readings.some((r) => r.with === kind && r.without !== kind), readings }).toMatchObject({ decides: true });
  });

  const planParts = CUE_CATEGORIES.flatMap((name) => [
    ...(base.categories[name].plans ?? []).map((e) => [name, 'plans', e] as const),
    ...(base.categories[name].reasons ?? []).map((e) => [name, 'reasons', e] as const),
    ...(base.categories[name].conditions ?? []).map((e) => [name, 'conditions', e] as const),
  ]);
  test.each(planParts)('%s.%s: %s', (name, part, entry) => {
    const lists = base.categories[name];
    const smaller = { ...base, categories: { ...base.categories, [name]: { ...lists, [part]: lists[part]!.filter((w) => w !== entry) } } };
    const plan = lists.plans![0]!;
    // A plan qualifies what it plans; its reason is out of its reach, unless a condition follows.
    const hypothetical = EXPECTED[name as keyof typeof EXPECTED];
    const [text, want, unwanted] =
      part === 'plans'
        ? [`${entry} bleeding.`, hypothetical, 'affirmed']
        : part === 'reasons'
          ? [`${plan} iron ${entry} bleeding.`, 'affirmed', hypothetical]
          : [`${plan} iron for bleeding ${entry} zeta kappa.`, hypothetical, 'affirmed'];
    expect({ text, with: reading(base, text), without: reading(smaller, text) }).toEqual({ text, with: want, without: unwanted });
  });

  const openers = CUE_CATEGORIES.flatMap((name) => (base.categories[name].openers ?? []).map((e) => [name, e] as const));
  test.each(openers)('%s.openers: %s', (name, entry) => {
    const lists = base.categories[name];
    const smaller = {
      ...base,
      categories: { ...base.categories, [name]: { ...lists, openers: lists.openers!.filter((w) => w !== entry) } },
    };
    const text = `Bleeding, ${entry} zeta kappa omicron ${(lists.alone ?? lists.after)[0]!}.`;
    expect({ text, with: reading(base, text), without: reading(smaller, text) }).toEqual({
      text,
      with: EXPECTED[name as keyof typeof EXPECTED],
      without: 'affirmed',
    });
  });

  test('a clause an opener begins and an after-cue ends speaks of the clause before, as the cue alone would; not with the cue inside it, more than six words, or no opener', () => {
    for (const [text, want] of [
      ['Bleeding, awaiting capsule endoscopy to confirm.', 'possible'],
      ['Bleeding (pending repeat hemoccult to confirm).', 'possible'],
      ['Bleeding, to be confirmed.', 'possible'],
      ['Bleeding, awaiting capsule endoscopy to confirm the source.', 'affirmed'], // the cue does not end the clause
      ['Bleeding, colonoscopy to confirm.', 'affirmed'], // no opener: the cue has words of its own
      ['Bleeding, awaiting the report of the capsule endoscopy to confirm.', 'affirmed'], // over six words
      ['Bleeding on Xarelto, awaiting hemoccult to confirm.', 'affirmed'], // the clause before is no bare condition
      ['Colonoscopy for bleeding to confirm the source.', 'affirmed'], // an alone-only cue with words of its own qualifies nothing
      ['Bleeding, pending confirmation with capsule endoscopy.', 'possible'], // a tail that says how it will be settled
      ['Bleeding - to be confirmed by colonoscopy in 2 weeks', 'possible'],
      ['Awaiting capsule endoscopy to confirm bleeding.', 'possible'], // right before the word it doubts
      ['EGD to confirm the source of bleeding.', 'affirmed'],
      ['Bleeding, source to be confirmed.', 'affirmed'],
    ])
      expect([text, reading(base, text)]).toEqual([text, want]);
  });

  test('a bulleted item denied after its words is denied; not under a question the answer answers, and a doubt after it is no denial', () => {
    for (const [text, want] of [
      ['ROS:\n- Bleeding no\n- Fatigue yes', 'negated'],
      ['ROS:\n\u2022 Bleeding no', 'negated'],
      ['ROS:\n* Fatigue yes\n* Bleeding no', 'negated'],
      ['ROS:\n- Bleeding no longer', 'historical'],
      ['Problem resolved?\n- Bleeding no\n- Hypertension yes', 'affirmed'], // "no" answers the question
      ['Problem resolved?\r- Bleeding no', 'affirmed'], // carriage returns end lines too
      [`Problem resolved?\n${'- Fatigue yes\n'.repeat(200)}- Bleeding no`, 'affirmed'], // a heading out of reach is not read as no question
      ['Medications:\n- Bleeding unknown', 'affirmed'], // only a denial: "Metformin unknown" doubts a dose
      ['Plan - bleeding no', 'affirmed'], // a dash inside a line is no bullet
    ])
      expect([text, reading(base, text)]).toEqual([text, want]);
  });

  test("a plan's reason is current, and a plan made on a condition is not", () => {
    for (const [text, want] of [
      ['Will start iron for bleeding.', 'affirmed'],
      ['Will start iron for bleeding if labs confirm.', 'hypothetical'],
      ['Consider iron for bleeding.', 'hypothetical'], // no plan of a treatment: "consider" reaches on
      ['Will start pantoprazole for bleeding prophylaxis.', 'hypothetical'],
      ['Will start iron for bleeding, IF Ab positive.', 'affirmed'], // "IF" in capitals: intrinsic factor
    ])
      expect([text, reading(base, text)]).toEqual([text, want]);
  });

  test("a cue's reach runs to the end of a list of short items, past its word window, and no further", () => {
    for (const [text, want] of [
      ['Denies fever, chills, night sweats, weight loss, nausea, vomiting, diarrhea, or bleeding.', 'negated'],
      ['Return if fever, chills, dizziness, chest pain, dyspnea, palpitations, syncope or bleeding', 'hypothetical'],
      ['No fever, chills, night sweats, weight loss, nausea, vomiting, diarrhea. Bleeding today.', 'affirmed'],
      ['No fever, chills, pallor, dizziness, Hgb 7.9, EGD showed ulcer bleeding', 'affirmed'], // no list: a number, a clause
      // A denial governs its list whole, joined or not (a review of systems); "no" only a joined one.
      ['Denies fever, chills, night sweats, weight loss, nausea, vomiting, abdominal pain, bleeding.', 'negated'],
      ['ROS negative for fever, chills, night sweats, weight loss, nausea, vomiting, abdominal pain, bleeding', 'negated'],
      ['No fever, chills, night sweats, weight loss, nausea, vomiting, abdominal pain, bleeding.', 'affirmed'],
      ['Denies fever, chills, night sweats, weight loss, nausea, vomiting, abdominal pain, reports bleeding.', 'affirmed'],
      ['Denies fever, chills, night sweats, weight loss, nausea, vomiting. Abdominal pain, bleeding.', 'affirmed'],
      // An item found at the end of a denied list (a review's probes).
      ['Denies fever, chills, night sweats, cough, chest pain, nausea, vomiting, admits to bleeding.', 'affirmed'],
      ['Denies chest pain, palpitations, syncope, orthopnea, PND, leg swelling, notes bleeding.', 'affirmed'],
      ['Denies fever, chills, weight loss, cough, chest pain, abdominal pain, diarrhea, c/o bleeding.', 'affirmed'],
      ['Negative for fever, chills, sweats, cough, dyspnea, chest pain, dysuria, + bleeding.', 'affirmed'],
      ['Negative for fever, chills, sweats, cough, dyspnea, chest pain, dysuria, n/v, bleeding.', 'negated'],
    ])
      expect([text, reading(base, text)]).toEqual([text, want]);
  });

  const listCues = CUE_CATEGORIES.flatMap((name) => (base.categories[name].lists ?? []).map((e) => [name, e] as const));
  test.each(listCues)(
    '%s.lists: %s is a before: cue that governs a whole list, joined or not; without it, only a joined one',
    (name, cue) => {
      const c = concrete(cue);
      const want = EXPECTED[name as keyof typeof EXPECTED];
      const list = 'fever, chills, night sweats, weight loss, nausea, vomiting, abdominal pain, bleeding.';
      const lists = base.categories[name];
      const plain = { ...base, categories: { ...base.categories, [name]: { ...lists, lists: lists.lists!.filter((w) => w !== cue) } } };
      expect(lists.before).toContain(cue);
      expect([reading(base, `${c} bleeding.`), reading(base, `${c} ${list}`), reading(plain, `${c} ${list}`)]).toEqual([
        want,
        want,
        'affirmed',
      ]);
    },
  );

  test('a cue that is a clause of its own speaks of the clause before it; one with words of its own does not', () => {
    for (const [text, want] of [
      ['Bleeding, resolved.', 'historical'],
      ['Bleeding, negative; anemia stable', 'negated'],
      ['Bleeding (resolved)', 'historical'],
      ['Bleeding, resolved - Hgb 12.9 today.', 'historical'], // a spaced dash ends the cue's clause
      ['Bleeding, anemia resolved.', 'affirmed'], // the cue's clause names what it qualifies
    ])
      expect([text, reading(base, text)]).toEqual([text, want]);
  });

  test('a status cue alone in its clause ("resolved") speaks of the condition that heads the clause before, links and all; other cues and other mentions do not reach so', () => {
    for (const [text, want] of [
      ['Bleeding following surgery, resolved.', 'historical'],
      ['Postoperative acute bleeding following hip surgery on 3/14, resolved.', 'historical'], // two words before the head
      ['Bleeding due to NSAID use, resolved in 2019.', 'historical'],
      ['Bleeding after surgery (resolved)', 'historical'],
      ['Colonoscopy for bleeding, resolved.', 'affirmed'], // the clause is headed by the colonoscopy
      ['Fatigue from bleeding, resolved.', 'affirmed'],
      ['Bleeding on Xarelto, discontinued.', 'affirmed'], // not a status cue: the drug is stopped
      ['Bleeding following surgery, resolving.', 'affirmed'],
      ['Bleeding following surgery, not resolved.', 'affirmed'],
      ['Bleeding following surgery, anemia resolved.', 'affirmed'], // the cue's clause names what it qualifies
      ['Bleeding following surgery on the left side of the colon in the spring, resolved.', 'affirmed'], // over 12 words
    ])
      expect([text, reading(base, text)]).toEqual([text, want]);
    // Without the `statuses` list, "resolved" speaks only of a bare clause before it.
    const hist = base.categories.historical;
    const plain = { ...base, categories: { ...base.categories, historical: { ...hist, statuses: [] } } };
    const long = 'Bleeding following left knee replacement surgery, resolved.';
    expect([reading(base, long), reading(plain, long), reading(plain, 'Bleeding, resolved.')]).toEqual([
      'historical',
      'affirmed',
      'historical',
    ]);
  });

  test("a checklist's unticked box before its item documents nothing; boxes written after the items are not read so", () => {
    for (const [text, want] of [
      ['[x] Fatigue [ ] Bleeding [ ] Hematochezia', 'hypothetical'],
      ['☐ Bleeding', 'hypothetical'],
      ['[ ] Fatigue [x] Bleeding', 'affirmed'],
      ['Fatigue [ ] Bleeding [x]', 'affirmed'], // the unticked box is fatigue's
      ['( ) Bleeding (x) Fatigue', 'hypothetical'],
      ['[ ]Bleeding', 'hypothetical'],
      ['Fatigue ( ) Bleeding (x)', 'affirmed'],
    ])
      expect([text, reading(base, text)]).toEqual([text, want]);
  });

  test("a coder's review of templated notes: minus signs, a box's whole item, doubts about a cause, a family section's end", () => {
    for (const [text, want] of [
      ['GI: (-) nausea, (-) bleeding, (+) constipation.', 'negated'],
      ['GI: (-)bleeding', 'negated'],
      ['GI: bleeding(-)', 'negated'],
      ['GI: (-) nausea, (+) bleeding.', 'affirmed'], // each sign speaks of its own item
      ['ROS: +fatigue, +DOE, -CP, -bleeding, -nausea.', 'negated'], // a minus sign on a line of signs
      ['Bleeding   [ ] Yes   [x] No\nFatigue   [x] Yes   [ ] No', 'negated'], // boxes after a column gap
      ['Bleeding   [x] Yes   [ ] No', 'affirmed'],
      ['Family History\nMother - thyroid disease\n\nAssessment/Plan\nbleeding, stable.', 'affirmed'], // a heading alone on its line, ended by the next
      ['Family History\nMother - bleeding', 'family'],
      ['ROS: +fatigue, -nausea, +bleeding.', 'affirmed'],
      ['-Bleeding x2 days, dark stools.', 'affirmed'], // a bullet on a line of no signs
      ['+fatigue\n-Bleeding x2 days.', 'affirmed'], // the signs of another line
      ['Post-bleeding anemia, non-bleeding ulcer ruled in.', 'affirmed'], // a word's hyphen
      ['Melena? (-) Bleeding? (+)', 'affirmed'], // a sign before the next question answers the one before
      ['Melena: (-) Bleeding: (+)', 'affirmed'],
      ['GI: neg for nausea or bleeding', 'negated'],
      ['[ ] Abnormal vaginal bleeding [x] Fatigue', 'hypothetical'], // an unticked box speaks of its whole item
      ['[x] Fatigue [ ] Nausea [x] Heavy bleeding', 'affirmed'],
      ['Bleeding, presumed.', 'possible'],
      ['Working dx: bleeding; MMA pending.', 'possible'],
      ['Anemia most likely related to bleeding.', 'possible'], // the doubt is the cause's
      ['Bleeding most likely related to aspirin.', 'affirmed'],
      ['MCV 104 consistent with her known bleeding.', 'affirmed'],
      ['Family History: Mother - thyroid disease.\nVitals: BP 128/76.\nToday: bleeding, stable.', 'affirmed'],
      ['Family History:\nFather - colon cancer\nSurgical History:\nbleeding ulcer 2017', 'affirmed'],
      ['Problem list: 2. Bleeding - resolved 2019', 'historical'],
      ['Bleeding, resolved in 2019.', 'historical'],
      // A review's probes of the above: an item's own sign, a denial's own "c/o", a found item.
      ['Fever (-) Bleeding (+)', 'affirmed'],
      ['Bleeding (-) Melena (+)', 'negated'],
      ['Coombs (-) bleeding', 'affirmed'],
      ['No c/o bleeding or melena.', 'negated'],
      ['No recent admits for bleeding.', 'negated'],
      ['Denies fever, chills, night sweats, weight loss, nausea, vomiting, positive bleeding.', 'affirmed'],
      ['Denies fever, chills, night sweats, weight loss, nausea, vomiting, bleeding present.', 'affirmed'],
      ['Bleeding: [x] Positive [ ] Negative', 'affirmed'], // the row's words are answers, not cues
      ['Bleeding: Present [x] Absent [ ]', 'affirmed'],
      ['B12 deficiency presumed secondary to bleeding.', 'affirmed'],
      // A second review's probes: a list no "or" ends holds bare names only; a box's item ends at a
      // column gap, a spaced dash or a bracket; "presumed to be" doubts.
      ['Negative for fever, chills, sweats, nausea, vomiting, diarrhea, constipation, abdominal pain, bleeding on Xarelto.', 'affirmed'],
      ['Denies fever, chills, night sweats, weight loss, nausea, vomiting, occasional bleeding.', 'affirmed'],
      ['Denies fever, chills, night sweats, weight loss, nausea, vomiting, blood in stool, or bleeding.', 'negated'],
      ['GI: [ ] Normal   Bleeding x 1 week', 'affirmed'],
      ['GI: [ ] Deferred - bleeding per HPI', 'affirmed'],
      ['Stool: [ ] normal (bleeding reported)', 'affirmed'],
      ['Presumed to be bleeding; scope pending.', 'possible'],
      // An affirming sign that begins an item answers it, inside a denial's list (a review's probe).
      ['GI: Denies nausea, vomiting, (+) bleeding', 'affirmed'],
      ['Denies nausea, + bleeding x 3 days.', 'affirmed'],
      ['Denies nausea, +bleeding.', 'affirmed'],
      ['Denies nausea, vomiting, bleeding. (+) constipation', 'negated'],
      ['Denies fever 3+ edema, bleeding.', 'negated'], // "3+" is no sign
      // Only the signed item: the items after it stay denied, and other categories stay (a second review).
      ['Denies chest pain, SOB, +1 pedal edema, bleeding.', 'negated'],
      ['Negative for fever, chills, +fatigue, bleeding, hematemesis.', 'negated'],
      ['FHx: mother with anemia, + bleeding.', 'family'],
      ['History of: + bleeding 2019', 'historical'],
      ['Denies nausea 3+ bleeding', 'negated'],
      // Other signs and one answer word begin an item the same way; "+/-" leaves it open (a session's gaps).
      ['Denies nausea, vomiting, ++ bleeding', 'affirmed'],
      ['Denies nausea, vomiting, [+] bleeding', 'affirmed'],
      ['Denies nausea, vomiting, pos bleeding', 'affirmed'],
      ['Denies nausea, vomiting, positive bleeding', 'affirmed'],
      ['Denies nausea, vomiting, +/- bleeding, fever', 'possible'],
      ['+/- bleeding', 'possible'],
      ['Denies bleeding, +/- nausea', 'negated'], // the sign answers its own item only
      ['Anemia, ? bleeding', 'affirmed'], // a spaced "?" is most often a bullet: no answer
      ['Denies nausea, no bleeding', 'negated'],
      ['Anemia with pos bleeding', 'affirmed'],
      ['FHx: anemia, +/- bleeding', 'family'],
      ['Lisinopril 10 daily, unknown bleeding dose', 'affirmed'], // a word answers only by affirming
      // One plain word between the sign and the mention; an answer as the mention's own first word;
      // an answer after it in a row of answered items (a review's probes).
      ['Denies melena, + non bleeding on iron.', 'negated'], // a sign does not reach over a word
      ['Denies melena, + hx bleeding (hemorrhoids 2019).', 'negated'],
      ['Nausea no, vomiting no, bleeding yes', 'affirmed'],
      ['Nausea no, vomiting no, bleeding unsure.', 'possible'],
      ['No nausea, vomiting, bleeding present.', 'negated'], // "present" speaks of the whole list
      ['Denies nausea, bleeding present', 'negated'],
      // A denial written after the mention is the item's own: the sign does not lift it (a review's probes).
      ['IDA, positive bleeding not confirmed on repeat FIT x3', 'negated'],
      ['Dark stools on iron, + bleeding ruled out by negative guaiac', 'negated'],
      ['Denies nausea, pos bleeding ruled out on repeat', 'negated'],
      // An item answered after its words, a space or a spaced dash between, and nothing more in it
      // (a later review's probes).
      ['Nausea - no, vomiting - no, bleeding - yes', 'affirmed'],
      ['Bleeding no, nausea no', 'negated'],
      ['Fever no. Bleeding - no.', 'negated'],
      ['Bleeding unsure.', 'possible'],
      ['Bleeding no longer', 'historical'], // "no" does not end the item
      ['Bleeding no change since May', 'affirmed'],
      ['Labs:\n- bleeding', 'affirmed'], // a bullet's dash denies nothing
      // A doubt that begins an item of a denial's list is the item's own.
      ['Denies nausea, vomiting, possible bleeding', 'possible'],
      ['Denies nausea, maybe bleeding', 'possible'],
      ['Denies possible bleeding', 'negated'],
      ['Denies bleeding, possible nausea', 'negated'],
      // Not over a column gap, nor past the doubt's own item; "if" right before the mention only (a second review).
      ['Bleeding        no', 'affirmed'],
      ['Bleeding\tunknown', 'affirmed'],
      ['Denies abdominal pain, possible nausea, bleeding or vomiting.', 'negated'],
      ['If fit for surgery, colonoscopy next week for bleeding.', 'affirmed'],
      ['Even if bleeding resolves, continue iron.', 'affirmed'],
      // After a heading's colon, and signs after the words; "neg" right before (a fourth look).
      ['ROS: Bleeding no, nausea no', 'negated'],
      ['Bleeding +/-, nausea no', 'possible'],
      ['Bleeding (-), nausea (-)', 'negated'],
      ['Nausea no, vomiting no, bleeding +', 'affirmed'],
      ['GI: neg bleeding', 'negated'],
      ['Rh neg, bleeding', 'affirmed'],
      ['Pos: fatigue. Neg: nausea, bleeding', 'negated'],
      ['Hemoccult neg bleeding x3 days per pt', 'affirmed'], // the test's result, no item's answer
      ['GI: bleeding no. 4 episodes since Sunday.', 'affirmed'], // a number's "No."
      ['ROS Neg: fever, chills Pos: bleeding', 'affirmed'],
    ])
      expect([text, reading(base, text)]).toEqual([text, want]);
  });

  test("a template's item answered by a row of boxes after its colon: the ticked choice answers", () => {
    for (const [text, want] of [
      ['Bleeding: [ ] Yes [x] No', 'negated'],
      ['Bleeding: Yes [ ] No [x]', 'negated'], // boxes after their words
      ['Bleeding: (x) no ( ) yes', 'negated'],
      ['Bleeding: ☐ Yes ☒ No', 'negated'],
      ['Bleeding: [X] No   Hematochezia: [x] Yes [ ] No', 'negated'], // the next item read on its own
      ['Bleeding: [x] No', 'negated'], // one choice, ticked
      ['Bleeding: [x] Yes [ ] No', 'affirmed'],
      ['Bleeding: [ ] Yes [ ] No', 'possible'], // none ticked: the question is open
      ['Bleeding: [x] Yes [x] No', 'possible'], // both ticked
      ['Bleeding: [ ] Yes [ ] No [x] Unsure', 'possible'],
      ['Bleeding: [ ] No', 'affirmed'], // one choice, unticked: no answer
      ['Bleeding: [x] No change', 'affirmed'], // no whole answer
    ])
      expect([text, reading(base, text)]).toEqual([text, want]);
  });

  test('a term that ends in an affirming answer begins its own item the same way: "..., FOBT positive x2"', () => {
    const found = new TermMatcher(['fobt positive', 'melena'], new CompiledContext(base))
      .find(
        'Denies melena or hematochezia, FOBT positive x2. Denies melena, hematochezia, FOBT positive or prior abnormal colonoscopy. Denies melena, FOBT positive stools.',
        '',
      )
      .map((h) => `${h.term}:${h.assertion}`);
    // Only a count, a time or a place after it: "FOBT positive stools" is a thing denied.
    expect(found).toEqual([
      'melena:negated',
      'FOBT positive:affirmed',
      'melena:negated',
      'FOBT positive:negated',
      'melena:negated',
      'FOBT positive:negated',
    ]);
  });

  test('a term that begins with an affirming answer begins its own item: "..., positive FOBT" is no denied item', () => {
    const found = new TermMatcher(['positive fobt', 'melena'], new CompiledContext(base))
      .find('Denies melena or hematochezia, positive FOBT x2 at PCP. Denies melena, FOBT positive.', '')
      .map((h) => `${h.term}:${h.assertion}`);
    expect(found).toEqual(['melena:negated', 'positive FOBT:affirmed', 'melena:negated']);
    // Only the list's last item: one that more items follow is the list's (a review's probes).
    const inList = new TermMatcher(['positive fobt'], new CompiledContext(base))
      .find(
        'She denies melena, hematochezia, positive FOBT or prior abnormal colonoscopy. Negative for melena, positive FOBT, change in bowel habits.',
        '',
      )
      .map((h) => `${h.term}:${h.assertion}`);
    expect(inList).toEqual(['positive FOBT:negated', 'positive FOBT:negated']);
    // An item that says more than the term is a statement of its own.
    const stated = new TermMatcher(['positive guaiac'], new CompiledContext(base))
      .find('Rectal: Denies hematochezia, positive guaiac on DRE today, brown stool.', '')
      .map((h) => `${h.term}:${h.assertion}`);
    expect(stated).toEqual(['positive guaiac:affirmed']);
  });

  test('right-before and overlapping cues qualify only the mention they join: right after the cue, or the one it begins inside', () => {
    const context = new CompiledContext(base);
    const read = (terms: string[], text: string): string[] =>
      new TermMatcher(terms, context).find(text, '').map((h) => `${h.term}:${h.assertion}`);
    expect(read(['b12 low', 'b12 was low', 'b12 deficiency'], 'B12 low normal at 310. B12 was low-normal in 2024.')).toEqual([
      'B12 low:negated',
      'B12 was low:negated', // "was" ends an after-cue's reach, not an overlapping cue's
    ]);
    expect(read(['b12 deficiency'], 'Functional B12 deficiency with low normal B12 and elevated MMA.')).toEqual([
      'B12 deficiency:affirmed',
    ]);
    expect(read(['b12 low'], 'B12 low, normal folate.')).toEqual(['B12 low:affirmed']);
    // Not a cue right after the mention, nor one across a line's end or a spaced dash (a review's probes).
    expect(
      read(
        ['vitamin b12 deficiency', 'pernicious anemia'],
        'Vitamin B12 deficiency low-normal B12 262. Pernicious anemia low normal B12 (355).',
      ),
    ).toEqual(['Vitamin B12 deficiency:affirmed', 'Pernicious anemia:affirmed']);
    expect(read(['b12 low'], 'Labs:\n- B12 low\n- Normal TSH. B12 low - normal folate. B12 low\nNormal neuro exam.')).toEqual([
      'B12 low:affirmed',
      'B12 low:affirmed',
      'B12 low:affirmed',
    ]);
    // Before the mention: a drug the patient came off is no current use, only the drug it joins.
    expect(read(['metformin'], 'Came off metformin in May. Off of metformin since eGFR dropped.')).toEqual([
      'metformin:historical',
      'metformin:historical',
    ]);
    expect(read(['metformin', 'melena'], 'Came off work for 2 weeks, taking metformin. Came off aspirin because of melena.')).toEqual([
      'metformin:affirmed',
      'melena:affirmed',
    ]);
    // Not a bare "off", nor a phrase across a column gap or a tab (a second review's probes).
    expect(
      read(
        ['metformin', 'melena'],
        'Tapering off metformin. Hold off metformin 48 h after cath. On and off melena x3 months. Off metformin x2 weeks for the CT, resumes tomorrow.',
      ),
    ).toEqual(['metformin:affirmed', 'metformin:affirmed', 'melena:affirmed', 'metformin:affirmed']);
    expect(
      read(['b12 low'], 'Abnormal: B12 low    Normal: TSH. Abnormal labs: B12 low\tNormal labs: CBC. B12 low  normal folate.'),
    ).toEqual(['B12 low:affirmed', 'B12 low:affirmed', 'B12 low:affirmed']);
  });

  test('right-after cues qualify only the mention right before them, nothing but spaces between', () => {
    const read = (terms: string[], text: string): string[] =>
      new TermMatcher(terms, builtinContext()).find(text, 'assessment').map((h) => `${h.term}:${h.assertion}`);
    // A coder's review (rev35): a prevention named right after what it prevents.
    expect(read(['b12 deficiency'], 'S/p sleeve gastrectomy. B12 deficiency prophylaxis per ASMBS guidelines.')).toEqual([
      'B12 deficiency:hypothetical',
    ]);
    expect(read(['sleeve gastrectomy'], 'Morbid obesity. Sleeve gastrectomy being considered.')).toEqual([
      'Sleeve gastrectomy:hypothetical',
    ]);
    // A second review (rev36): a known condition watched, a replacement weighed, a revision weighed.
    expect(read(['pernicious anemia'], 'Pernicious anemia surveillance EGD due 2027.')).toEqual(['Pernicious anemia:affirmed']);
    expect(read(['b12 deficiency'], 'B12 deficiency with oral replacement being considered.')).toEqual(['B12 deficiency:affirmed']);
    expect(read(['gastric bypass'], 'Gastric bypass revision being considered.')).toEqual(['Gastric bypass:affirmed']);
    // Not a mention further before it, nor one across a line's end.
    expect(read(['hematochezia'], 'Hematochezia on enoxaparin DVT prophylaxis.')).toEqual(['Hematochezia:affirmed']);
    expect(read(['b12 deficiency'], 'B12 deficiency\nProphylaxis: DVT, enoxaparin.')).toEqual(['B12 deficiency:affirmed']);
  });

  test("a template's item answered after its colon, where the answer is whole", () => {
    for (const [text, want] of [
      ['Bleeding: no.', 'negated'],
      ['Bleeding: no   Hematochezia: yes', 'negated'], // the next item answered in its turn
      ['Fatigue: yes   Bleeding: no', 'negated'],
      ['Bleeding: yes   Hematochezia: no', 'affirmed'], // each item read on its own
      ['Bleeding: (-)  Hematochezia: +', 'negated'],
      ['Bleeding: not sure.', 'possible'],
      ['Bleeding: not present', 'negated'],
      ['Bleeding: no change, stable.', 'affirmed'], // no whole answer
      ['Bleeding: no hx', 'affirmed'],
      ['Bleeding: - dark stools', 'affirmed'],
      ['Bleeding: +/-', 'possible'], // equivocal: no documented bleeding
      ['Bleeding: (+/-)', 'possible'],
      ['At 10:30 bleeding', 'affirmed'],
      ['Bleeding : no', 'negated'], // a space before the colon
      ['Bleeding: no (last episode 2019)', 'negated'],
      ['Bleeding: No   Abdominal pain: intermittent', 'negated'], // the next item, answered or not
      ['bleeding: no hematochezia: no', 'negated'],
      ['Bleeding: yes/no   Hematochezia: yes/no', 'possible'], // a choice left unmade
      ['Bleeding? Y/N', 'possible'],
      // An item that asks about something else: its cause, onset or treatment (a coder's review).
      ['Etiology of bleeding: unknown', 'affirmed'],
      ['Transfusion for bleeding: no', 'affirmed'],
      ['Onset of bleeding: unknown. Continue iron.', 'affirmed'],
      ['Rectal bleeding: no', 'negated'],
      ['Bleeding in stool: no', 'negated'], // the answer speaks of the whole item
      ['Any fatigue, weight loss or bleeding in stool: no', 'negated'],
      ['Bleeding, fatigue: no', 'affirmed'], // a comma ends the item: the answer is fatigue's
    ])
      expect([text, reading(base, text)]).toEqual([text, want]);
  });

  test('a sign answers; a dash too, but before an answer or a number it is a separator', () => {
    expect(reading(base, 'Bleeding? +')).toBe('affirmed');
    expect(reading(base, 'Bleeding? -\nFatigue? +')).toBe('negated');
    expect(reading(base, 'Bleeding? (-), fatigue? (+)')).toBe('negated');
    expect(reading(base, 'Bleeding? - yes')).toBe('affirmed');
    expect(reading(base, 'Bleeding? - no')).toBe('negated');
    expect(reading(base, 'Bleeding? -  Fatigue? +')).toBe('negated'); // a template's questions on one line
    expect(reading(base, 'Bleeding? - 2 episodes')).toBe('possible'); // a dash before a number answers nothing
    // Before free text, the dash answers nothing: the text may be an answer of its own (a coder's review).
    for (const text of ['Bleeding? - black tarry stools x3 days', 'Bleeding? - see HPI', 'Bleeding? - unknown', 'Bleeding? - pt unsure'])
      expect([text, reading(base, text)]).toEqual([text, 'possible']);
    expect(reading(base, 'Bleeding? - patient reports dark stools')).toBe('possible');
    expect(reading(base, 'Bleeding? - +')).toBe('affirmed'); // the sign after the dash answers
    expect(reading(base, 'Bleeding? -- denies')).toBe('negated');
    // An answer word after the dash answers, even with the template's next question on the line (a third review).
    for (const [text, want] of [
      ['Bleeding? - yes   Hematochezia? - no', 'affirmed'],
      ['Bleeding? - positive  Hematemesis? - negative', 'affirmed'],
      ['Bleeding? - Y  Hematochezia? - N', 'affirmed'],
      ['Bleeding? - endorses  Blood in stool? - denies', 'affirmed'],
      ['Bleeding? - yes x2 today?', 'affirmed'],
      ['Bleeding? - maybe?', 'possible'], // free text ending in "?" is no next question
      ['Bleeding? - black stools?', 'possible'],
      ['Bleeding? -  Hematochezia?', 'possible'], // a next question unanswered
      ['Bleeding? - +/-', 'possible'],
      ['Bleeding? - dark stools? +', 'possible'], // a clarification, not the template's next (capitalized) question
      ['Bleeding? - black stools? yes', 'possible'],
      ['Bleeding? - not sure', 'possible'], // no bare "not": a fourth review
      ['Bleeding? Not sure.', 'possible'],
      ['Bleeding? Not present.', 'negated'],
    ])
      expect([text, reading(base, text)]).toEqual([text, want]);
    expect(reading(base, 'Bleeding? +/-')).toBe('possible'); // equivocal
    expect(reading(base, 'Bleeding? -/+')).toBe('possible');
    expect(reading(base, 'Bleeding? +vely')).toBe('possible'); // not "+ve"
    expect(reading(base, 'Bleeding? + 2 episodes')).toBe('affirmed');
    // An answer is on the mark's own line: the next line's first word answers nothing.
    expect(reading(base, 'Bleeding?\nNo known drug allergies.')).toBe('possible');
  });

  test.each(base.headings.map((e) => [e]))('headings: %s', (heading) => {
    const smaller = without('list', 'headings', heading);
    const text = `Family history: sister healthy.\n${concrete(heading)}: bleeding.`;
    // A heading that is also a cue ("Allergies:" negates what it lists) gives that cue's reading;
    // any heading ends the family section.
    expect(reading(smaller, text)).toBe('family');
    expect(reading(base, text)).toBe(base.categories.negation.before.includes(`${heading}:`) ? 'negated' : 'affirmed');
  });

  const parts = Object.entries(base.noteSections ?? {}).flatMap(([section, names]) => names.map((h) => [section, h] as const));
  test.each(parts)('note-sections.%s: %s', (section, heading) => {
    const smaller = {
      ...base,
      noteSections: { ...base.noteSections, [section]: base.noteSections![section]!.filter((h) => h !== heading) },
    };
    const text = `Seen today.\n${heading.toUpperCase()}: bleeding.`;
    const at = text.indexOf('bleeding');
    const read = (config: ContextConfig): string | undefined => {
      const p = new CompiledContext(config).noteParts(text);
      const i = p.starts.filter((s) => s <= at).length - 1;
      return i >= 0 ? p.sections[i] : undefined;
    };
    expect([read(base), read(smaller)]).toEqual([section, undefined]);
  });

  test('a cue written as a heading reaches the line after its colon, and no further', () => {
    expect(reading(base, 'Allergies: bleeding thinners.')).toBe('negated');
    expect(reading(base, 'Allergies: penicillin\nbleeding gums.')).toBe('affirmed');
    expect(reading(base, 'Allergies: penicillin. Bleeding gums.')).toBe('affirmed');
  });

  test("a denial that ends its line with a colon reaches the next line's list, and no lines under it one to a line", () => {
    const cases: [string, Assertion][] = [
      ['Negative for:\nChest pain, nausea or bleeding.', 'negated'],
      ['Denies:\nfever, chills, night sweats, weight loss, nausea, vomiting, melena, bleeding', 'negated'],
      ['Patient denies:\r\nnausea, vomiting or bleeding\r\n', 'negated'],
      ['Patient denies the following:\nnausea or bleeding.', 'negated'],
      ['Constitutional: Denies:\nfever or bleeding.', 'negated'],
      // Not a sentence that says more than a list, nor past a blank line or the next line.
      ['Denies:\nBleeding present since Sunday, three episodes.', 'affirmed'],
      ['Denies:\n\nnausea or bleeding.', 'affirmed'],
      ['Denies:\nnausea or vomiting.\nBleeding x2 days.', 'affirmed'],
      // Not a cue that is not its line's own, nor its subject's: an insurer's, an earlier one.
      ['Prior authorization denied:\nnausea or bleeding.', 'affirmed'],
      ['Initially denied:\nnausea or bleeding.', 'affirmed'],
      ['Insurance: denied:\nnausea or bleeding.', 'affirmed'],
      // Items one to a line are no such list, bulleted or not: such lines go on too often with
      // what is not denied ("- Pertinent positives", "- Encounter Diagnoses"; reviews' probes).
      ['Denies:\n- nausea\n- bleeding', 'affirmed'],
      ['Denies:\nnausea\nbleeding', 'affirmed'],
    ];
    for (const [text, want] of cases) expect([text, reading(base, text)]).toEqual([text, want]);
  });

  test('"No." before a number is a number\'s, unless a time follows it: that begins the next sentence', () => {
    expect(reading(base, 'Fever no. Bleeding no. 3 weeks of fatigue.')).toBe('negated');
    expect(reading(base, 'Fever no. Bleeding no. 2-3 days of fatigue.')).toBe('negated');
    expect(reading(base, 'Bleeding no. 4 episodes since Sunday.')).toBe('affirmed');
    // Only in a row of answered items: "Refills: metformin no. 3 months supply" is a number's.
    expect(reading(base, 'Refills: bleeding no. 3 months supply.')).toBe('affirmed');
    expect(reading(base, 'Refills sent:\nBleeding no. 90 days')).toBe('affirmed');
    expect(reading(base, 'Nausea yes. Bleeding no. 3 months supply at home.')).toBe('affirmed');
  });
});
