/**
 * One patient's resources become one chart. The order matters: encounters first; then claims
 * (their diagnosis sequence is the encounter's diagnosis order); then the Conditions recorded at
 * an encounter: the diagnoses of one no claim covers; on one a claim covers, the claim's diagnoses
 * are what is coded, and a Condition of the same code lends them its status (problem-list-item
 * Conditions code no encounter); then services no claim bills (ChargeItems first); then notes. Labs
 * (Observations, and the Observations other resources contain, as a claim carries its lines'
 * hemoglobin results) and medications belong to the chart. What the chart leaves out is
 * reported when it is built (left-out.ts).
 */
import { checkShapes } from './shapes.js';
import type { Chart } from '../model.js';
import { MAX_SHOWN } from '../../core/shown.js';
import { tooLongId } from '../native.js';
import { applyClaims } from './claim.js';
import type { Context } from './context.js';
import { codedDiagnosis, verificationStatus } from './condition.js';
import { readCondition } from './diagnoses.js';
import { Encounters, placeDiagnosis, placedDiagnosis, type EncounterDraft } from './encounter.js';
import { leftOutByStatus, leftOutResource, quoted, resourceName, several } from './left-out.js';
import { MEDICATION_TYPES, medicationConcept, medicationCounts, medicationOf, notGiven } from './medication.js';
import { applyNotes, NOTE_TYPES } from './notes.js';
import { labsOf } from './observation.js';
import { chartIdOf, patientOf, type PatientGroup } from './patient.js';
import { applyServices } from './services.js';
import { codings, systemLabel, withLocalOffsets } from './systems.js';
import { enteredInError, isObj, list, type Entry, type Obj } from './types.js';

const PROBLEM_LIST = (n: number): string =>
  `${several(n, 'Condition')} not linted, naming no encounter (a problem-list entry codes no encounter)`;
const PROBLEM_LIST_ITEM = (n: number): string =>
  `${several(n, 'Condition')} not linted, of category problem-list-item (a problem-list entry codes no encounter, not even the one it was recorded at)`;
const NOT_ON_CLAIM = (n: number): string =>
  `${several(n, 'Condition')} not linted as coded, not on the claim of ${n === 1 ? 'its encounter' : 'their encounters'} (where a claim covers an encounter, its diagnoses are what is coded)`;

/** Problem-list Conditions of category problem-list-item (reported as such). */
const problemListItems = new WeakSet<Entry>();

/** A Condition of category problem-list-item (US Core), and not also an encounter-diagnosis. */
function problemListItem(r: Obj): boolean {
  const categories = list(r.category).flatMap((c) => codings(c).map((x) => x.code));
  return categories.includes('problem-list-item') && !categories.includes('encounter-diagnosis');
}

/**
 * A Condition recorded at an encounter a Claim covers: the claim's diagnoses are what is coded, so
 * the Condition is not placed; one with the same code lends its status to the claim's diagnosis
 * (a claim's code is confirmed by default: refuted makes it ruled-out, resolved with an abatement
 * date by the encounter's date history, provisional suspected). One entered in error is a warning
 * at the claim's diagnosis; one not on the claim is named (info).
 */
function lendStatus(entry: Entry, enc: EncounterDraft, ctx: Context): void {
  const r = entry.resource;
  const inError = enteredInError(r) || verificationStatus(r) === 'entered-in-error';
  const draft = inError ? codedDiagnosis(r.code, entry.ptr, ctx.map) : readCondition(entry, ctx);
  const billed = draft && placedDiagnosis(enc, draft);
  if (!billed) {
    if (inError) leftOutByStatus(entry, 'entered-in-error', ctx);
    else if (draft) ctx.leftOut.add('not-on-claim', 'info', NOT_ON_CLAIM, leftOutResource(entry, quoted(draft.codeText), draft.code));
    return;
  }
  ctx.leftOut.markRead(entry);
  if (inError) {
    ctx.p.add(
      billed.ptr,
      `${billed.code} is on the claim of encounter ${enc.id}, but the Condition recorded for it there (${resourceName(entry)}) is entered in error: check that the code is documented.`,
      'warning',
    );
    return;
  }
  // A status the claim's diagnosis already has from the Condition it references stays.
  if (billed.status !== 'confirmed') return;
  if (draft.status !== 'confirmed') billed.status = draft.status;
  else if (draft.abated !== undefined && draft.abated <= enc.date) billed.status = 'history';
}

function placeConditions(conditions: readonly Entry[], encounters: Encounters, ctx: Context): Entry[] {
  const problemList: Entry[] = [];
  for (const entry of conditions) {
    // A Condition that names no encounter is a problem-list entry: it codes no encounter.
    if (entry.resource.encounter === undefined) {
      problemList.push(entry);
      continue;
    }
    // Nor does one of category problem-list-item: its encounter is where it was recorded.
    if (problemListItem(entry.resource)) {
      problemListItems.add(entry);
      problemList.push(entry);
      continue;
    }
    const enc = encounters.find(
      entry.resource.encounter,
      entry,
      `${entry.ptr}/encounter`,
      "the condition is left out of the encounter's diagnoses",
    );
    if (enc?.claimed) {
      lendStatus(entry, enc, ctx);
      continue;
    }
    const draft = enc && readCondition(entry, ctx);
    if (enc && draft) placeDiagnosis(enc, draft);
  }
  return problemList;
}

/**
 * One patient's chart. A dateTime written in UTC is read in the local offset of the chart's
 * encounters (systems.ts, fhirDay), so that a lab at 03:10Z is on the day of a visit at 23:30-04:00.
 */
export function buildChart(g: PatientGroup, ctx: Context): Chart {
  const starts = g.entries
    .filter((e) => e.type === 'Encounter')
    .map((e) => (isObj(e.resource.period) ? e.resource.period.start : undefined));
  return withLocalOffsets(starts, () => chartOf(g, ctx));
}

function chartOf(g: PatientGroup, ctx: Context): Chart {
  const givenId = chartIdOf(g);
  // An id longer than a finding shows is no id (as in native charts): every finding would repeat it.
  const chartId = givenId.length <= MAX_SHOWN ? givenId : '';
  ctx.p.chartId = chartId;
  if (chartId !== givenId)
    ctx.p.add(g.patient?.ptr ?? g.orphan!.ptr, tooLongId("The Patient's id", givenId, 'the chart is linted without an id'));
  if (g.orphan) {
    ctx.p.add(
      g.orphan.ptr,
      `Patient reference "${g.orphan.ref}" does not resolve: the Patient is not in this ${ctx.where}, so the chart has no birth date or sex.`,
      'warning',
    );
  }
  // Lists written as something else, or holding what is no entry: named, as they are not read.
  for (const e of g.entries) checkShapes(e, ctx.p);
  const of = (...types: readonly string[]): Entry[] => g.entries.filter((e) => types.includes(e.type));
  const encounters = new Encounters(ctx);
  for (const e of of('Encounter')) encounters.add(e);
  applyClaims(of('Claim', 'ExplanationOfBenefit', 'ClaimResponse'), encounters, ctx);
  const problemList = placeConditions(of('Condition'), encounters, ctx);
  const medicationEntries = of(...MEDICATION_TYPES);
  // Not given (not-done, on-hold, not-taken) or entered in error: named, not read.
  for (const entry of medicationEntries) if (!medicationCounts(entry)) notGiven(entry, ctx);
  const medications = medicationEntries.filter(medicationCounts).map((entry) => ({ entry, concept: medicationConcept(entry, ctx) }));
  applyServices(of('Procedure'), medications, encounters, ctx, of('ChargeItem'));
  applyNotes(of(...NOTE_TYPES), encounters, ctx);
  // Problem-list Conditions that no claim or service points to are not in the chart.
  for (const entry of problemList) {
    if (ctx.leftOut.wasRead(entry)) continue;
    const c = codings(entry.resource.code)[0];
    const item = leftOutResource(entry, c && `${quoted(c.code)} in ${systemLabel(c)}`, c?.code);
    if (problemListItems.has(entry)) ctx.leftOut.add('problem-list-item', 'info', PROBLEM_LIST_ITEM, item);
    else ctx.leftOut.add('problem-list', 'info', PROBLEM_LIST, item);
  }
  const contained = g.entries
    .filter((e) => Array.isArray(e.resource.contained))
    .flatMap((e) => ctx.index.containedOf(e))
    .filter((e) => e.type === 'Observation');
  const chart: Chart = {
    chartId,
    patient: patientOf(g),
    encounters: encounters.finish(),
    labs: labsOf([...of('Observation'), ...contained], of('DiagnosticReport'), ctx),
    medications: medications.map(medicationOf),
    ptr: g.patient?.ptr ?? g.entries[0]!.ptr,
  };
  ctx.leftOut.report(ctx.p);
  ctx.p.chartId = undefined;
  return chart;
}
