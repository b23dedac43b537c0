/** Evidence and bindings for the elements conditions look at. */
import type { Diagnosis, Lab, Note, Service } from '../chart/model.js';
import { shownValue } from '../core/shown.js';
import type { TermHit } from './terms.js';
import type { CompiledLab } from './labs.js';
import { roundForDisplay } from './labs.js';
import type { ResolvedLab } from './chart-context.js';
import type { EvidenceRef, Outcome } from './types.js';

export const HOLDS: Outcome = Object.freeze({ evidence: [], bindings: {} }) as Outcome;

export function diagnosisEvidence(d: Diagnosis): EvidenceRef {
  const e: EvidenceRef = { kind: 'diagnosis', code: shownValue(d.code), pointer: d.ptr };
  if (d.mappedFrom) e.mappedFrom = shownValue(`${d.mappedFrom.system} ${d.mappedFrom.code}`);
  return e;
}

export function serviceEvidence(s: Service): EvidenceRef {
  return { kind: 'service', code: shownValue(s.code), date: shownValue(s.dateText), pointer: s.ptr };
}

export function labEvidence(test: CompiledLab, r: ResolvedLab): EvidenceRef {
  const lab: Lab = r.lab;
  const e: EvidenceRef = { kind: 'lab', test: test.name, value: shownValue(lab.valueText), pointer: lab.ptr };
  if (lab.unit !== undefined) e.unit = shownValue(lab.unit);
  if (lab.dateText !== undefined) e.date = shownValue(lab.dateText);
  if (test.unit !== undefined) e.converted = { value: roundForDisplay(r.value), unit: test.unit };
  return e;
}

export function noteEvidence(note: Note, hit: TermHit): EvidenceRef {
  const e: EvidenceRef = {
    kind: 'note',
    section: note.section,
    term: hit.term,
    assertion: hit.assertion,
    excerpt: hit.excerpt,
    pointer: `${note.ptr}/text`,
  };
  HIT_AT.set(e, hit.index);
  return e;
}

/**
 * Where in its note a note's evidence stands, kept beside it (not in the report): a query draft
 * quotes the sentence there, with no search for the term among all of the note's mentions of it.
 */
const HIT_AT = new Map<EvidenceRef, number>();

/** Forgets where the last chart's note evidence stood (Engine.lint, at each chart: its drafts are made). */
export function forgetHits(): void {
  HIT_AT.clear();
}

/** The index in its note's text of the mention a note's evidence stands for, when it was made here. */
export function hitIndexOf(e: EvidenceRef): number | undefined {
  return HIT_AT.get(e);
}

/** What `{{lab.<test>.*}}` placeholders read. */
export function labBinding(test: CompiledLab, r: ResolvedLab): Record<string, unknown> {
  const prefix = r.comparator ?? '';
  const value = `${prefix}${roundForDisplay(r.value)}`;
  const unit = test.unit ?? r.lab.unit ?? '';
  const written = r.lab.unit ?? '';
  // `result`: the value in the test's unit, after the value as the chart writes it when that was
  // converted ("105 pmol/L = 142 pg/mL"): a coder looks for what the chart says.
  const converted = written !== '' && unit !== '' && written.toLowerCase() !== unit.toLowerCase();
  return {
    value,
    unit,
    result: `${converted ? `${r.lab.valueText} ${written} = ` : ''}${value}${unit ? ` ${unit}` : ''}`,
    date: r.lab.dateText ?? '',
    written: r.lab.valueText,
    writtenUnit: r.lab.unit ?? '',
    test: test.name,
  };
}

/**
 * Joins outcomes of conditions that all hold. Evidence two of them found is counted once where the
 * finding is made (the engine drops repeats): so where one lists only some of what it found
 * (`moreEvidence`) and another has evidence too, the join lists all that each found, and the
 * count of the rest is made from that. Otherwise the counts add up, and the join can still list
 * all of it if joined again.
 */
export function merge(outcomes: readonly Outcome[]): Outcome {
  if (outcomes.length === 1) return outcomes[0]!;
  let withEvidence = 0;
  let counted = false;
  for (const o of outcomes) {
    if (o.evidence.length > 0) withEvidence++;
    if (o.moreEvidence) counted = true;
  }
  const whole = counted && withEvidence > 1;
  const evidence: EvidenceRef[] = [];
  const bindings: Record<string, unknown> = {};
  let more = 0;
  for (const o of outcomes) {
    for (const e of whole ? allOf(o) : o.evidence) evidence.push(e);
    Object.assign(bindings, o.bindings);
    if (!whole) more += o.moreEvidence ?? 0;
  }
  return more > 0 ? { evidence, bindings, moreEvidence: more, allEvidence: () => outcomes.flatMap(allOf) } : { evidence, bindings };
}

/** All the evidence an outcome found: what it lists, and what it only counted. */
function allOf(o: Outcome): EvidenceRef[] {
  return o.moreEvidence && o.allEvidence ? o.allEvidence() : o.evidence;
}
