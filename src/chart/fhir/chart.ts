/**
 * One patient's resources become one chart. The order matters: encounters first; then claims
 * (their diagnosis sequence is the encounter's diagnosis order); then the Conditions recorded at
 * an encounter that its claim does not list; then services no claim bills; then notes. Labs and
 * medications belong to the chart.
 */
import type { Chart } from '../model.js';
import { applyClaims } from './claim.js';
import { conditionDiagnosis } from './condition.js';
import type { Context } from './context.js';
import { Encounters, placeDiagnosis } from './encounter.js';
import { MEDICATION_TYPES, medicationConcept, medicationCounts, medicationOf } from './medication.js';
import { applyNotes, NOTE_TYPES } from './notes.js';
import { labsOf } from './observation.js';
import { chartIdOf, patientOf, type PatientGroup } from './patient.js';
import { applyServices } from './services.js';
import type { Entry } from './types.js';

function placeConditions(conditions: readonly Entry[], encounters: Encounters, ctx: Context): void {
  for (const entry of conditions) {
    // A Condition that names no encounter is a problem-list entry: it codes no encounter.
    if (entry.resource.encounter === undefined) continue;
    const enc = encounters.find(entry.resource.encounter, entry, `${entry.ptr}/encounter`, "the condition is left out of the encounter's diagnoses");
    const draft = enc && conditionDiagnosis(entry, ctx);
    if (enc && draft) placeDiagnosis(enc, draft);
  }
}

export function buildChart(g: PatientGroup, ctx: Context): Chart {
  const chartId = chartIdOf(g);
  ctx.p.chartId = chartId;
  if (g.orphan) {
    ctx.p.add(g.orphan.ptr, `Patient reference "${g.orphan.ref}" does not resolve: the Patient is not in this ${ctx.where}, so the chart has no birth date or sex.`, 'warning');
  }
  const of = (...types: readonly string[]): Entry[] => g.entries.filter((e) => types.includes(e.type));
  const encounters = new Encounters(ctx);
  for (const e of of('Encounter')) encounters.add(e);
  applyClaims(of('Claim', 'ExplanationOfBenefit'), encounters, ctx);
  placeConditions(of('Condition'), encounters, ctx);
  const medications = of(...MEDICATION_TYPES).filter(medicationCounts).map((entry) => ({ entry, concept: medicationConcept(entry, ctx) }));
  applyServices(of('Procedure'), medications, encounters, ctx);
  applyNotes(of(...NOTE_TYPES), encounters);
  const chart: Chart = {
    chartId,
    patient: patientOf(g),
    encounters: encounters.finish(),
    labs: labsOf(of('Observation'), of('DiagnosticReport'), ctx),
    medications: medications.map(medicationOf),
    ptr: g.patient?.ptr ?? g.entries[0]!.ptr,
  };
  ctx.p.chartId = undefined;
  return chart;
}
