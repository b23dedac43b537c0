/**
 * One patient's resources become one chart. The order matters: encounters first; then claims
 * (their diagnosis sequence is the encounter's diagnosis order); then the Conditions recorded at
 * an encounter that its claim does not list; then services no claim bills (ChargeItems first); then notes. Labs
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
import { readCondition } from './diagnoses.js';
import { Encounters, placeDiagnosis } from './encounter.js';
import { leftOutResource, quoted, several } from './left-out.js';
import { MEDICATION_TYPES, medicationConcept, medicationCounts, medicationOf, notGiven } from './medication.js';
import { applyNotes, NOTE_TYPES } from './notes.js';
import { labsOf } from './observation.js';
import { chartIdOf, patientOf, type PatientGroup } from './patient.js';
import { applyServices } from './services.js';
import { codings, systemLabel } from './systems.js';
import type { Entry } from './types.js';

const PROBLEM_LIST = (n: number): string =>
  `${several(n, 'Condition')} not linted, naming no encounter (a problem-list entry codes no encounter)`;

function placeConditions(conditions: readonly Entry[], encounters: Encounters, ctx: Context): Entry[] {
  const problemList: Entry[] = [];
  for (const entry of conditions) {
    // A Condition that names no encounter is a problem-list entry: it codes no encounter.
    if (entry.resource.encounter === undefined) {
      problemList.push(entry);
      continue;
    }
    const enc = encounters.find(
      entry.resource.encounter,
      entry,
      `${entry.ptr}/encounter`,
      "the condition is left out of the encounter's diagnoses",
    );
    const draft = enc && readCondition(entry, ctx);
    if (enc && draft) placeDiagnosis(enc, draft);
  }
  return problemList;
}

export function buildChart(g: PatientGroup, ctx: Context): Chart {
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
    ctx.leftOut.add('problem-list', 'info', PROBLEM_LIST, leftOutResource(entry, c && `${quoted(c.code)} in ${systemLabel(c)}`, c?.code));
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
