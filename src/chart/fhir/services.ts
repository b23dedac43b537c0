/**
 * Services that no Claim bills: a Procedure coded in HCPCS or CPT (96372), and a
 * MedicationAdministration coded in HCPCS or recognized as a drug of the concept map (cyanocobalamin
 * as J3420), become services of their encounter when no Claim covers that encounter. Their
 * `reasonReference` and `reasonCode` are the diagnosis pointers. Where a Claim does cover the
 * encounter, the administration only lends its dose to a claim line for the same drug.
 */
import type { Dose, Service } from '../model.js';
import { normalizeProcedureCode } from '../normalize.js';
import { drugFor } from './concept-map.js';
import { codedDiagnosis, conditionDiagnosis } from './condition.js';
import { follow, type Context } from './context.js';
import { placeDiagnosis, type EncounterDraft, type Encounters } from './encounter.js';
import type { MedicationEntry } from './medication.js';
import { codings, conceptText, firstDay, procedureCoding, quantityUnit } from './systems.js';
import { enteredInError, isObj, list, objects, type Entry, type Obj } from './types.js';

const PROCEDURE_NOT_DONE = new Set(['not-done', 'preparation']);

interface Performed {
  entry: Entry;
  code: string;
  codeText: string;
  dose?: Dose;
  dateFields: readonly string[];
  encounterRef: unknown;
}

/** The HCPCS code a medication concept is billed under, if b12lint can tell. */
function drugCode(concept: unknown, ctx: Context): { code: string; codeText: string } | undefined {
  const coded = procedureCoding(concept);
  if (coded) return { code: normalizeProcedureCode(coded.code), codeText: coded.code };
  const rxnorm = codings(concept).filter((c) => c.name === 'rxnorm').map((c) => c.code);
  const drug = drugFor(ctx.map, rxnorm, conceptText(concept));
  return drug ? { code: drug.code, codeText: drug.code } : undefined;
}

function doseOf(r: Obj): Dose | undefined {
  const dosage = r.dosage;
  const dose = isObj(dosage) ? dosage.dose : undefined;
  if (!isObj(dose) || typeof dose.value !== 'number' || !Number.isFinite(dose.value)) return undefined;
  const unit = quantityUnit(dose);
  return unit === undefined ? undefined : { value: dose.value, unit };
}

function performed(procedures: readonly Entry[], administrations: readonly MedicationEntry[], ctx: Context): Performed[] {
  const out: Performed[] = [];
  for (const entry of procedures) {
    if (enteredInError(entry.resource) || PROCEDURE_NOT_DONE.has(String(entry.resource.status))) continue;
    const coding = procedureCoding(entry.resource.code);
    if (!coding) continue;
    out.push({ entry, code: normalizeProcedureCode(coding.code), codeText: coding.code, dateFields: ['performedDateTime', 'performedPeriod.start'], encounterRef: entry.resource.encounter });
  }
  for (const { entry, concept } of administrations) {
    if (entry.type !== 'MedicationAdministration') continue;
    const drug = drugCode(concept, ctx);
    if (!drug) continue;
    const p: Performed = { entry, ...drug, dateFields: ['effectiveDateTime', 'effectivePeriod.start'], encounterRef: entry.resource.context };
    const dose = doseOf(entry.resource);
    if (dose) p.dose = dose;
    out.push(p);
  }
  return out;
}

/** The diagnoses a procedure or administration was done for, placed on its encounter. */
function reasons(entry: Entry, enc: EncounterDraft, ctx: Context): Service['linked'] {
  const r = entry.resource;
  if (r.reasonReference === undefined && r.reasonCode === undefined) return undefined;
  const linked: NonNullable<Service['linked']> = [];
  list(r.reasonReference).forEach((ref, i) => {
    const condition = follow(ctx, ref, entry, `${entry.ptr}/reasonReference/${i}`, 'Condition', 'the service is not linked to it');
    const draft = condition ? conditionDiagnosis(condition, ctx) : undefined;
    if (draft) linked.push(placeDiagnosis(enc, draft));
  });
  for (const [concept, i] of objects(r.reasonCode)) {
    const draft = codedDiagnosis(concept, `${entry.ptr}/reasonCode/${i}`, ctx.map);
    if (draft) linked.push(placeDiagnosis(enc, draft));
  }
  return linked;
}

/** `administrations`: the medication resources that count (given, not in error), with their concepts. */
export function applyServices(procedures: readonly Entry[], administrations: readonly MedicationEntry[], encounters: Encounters, ctx: Context): void {
  for (const p of performed(procedures, administrations, ctx)) {
    const day = firstDay(p.entry.resource, p.dateFields);
    const enc = p.encounterRef !== undefined
      ? encounters.find(p.encounterRef, p.entry, `${p.entry.ptr}/${p.entry.type === 'Procedure' ? 'encounter' : 'context'}`, `the ${p.entry.type} is not placed on an encounter`)
      : day && encounters.onDay(day.day);
    if (!enc) continue;
    if (enc.claimed) {
      // The claim bills it; the administration documents the dose of one billed line: the first
      // line for that drug on that day that has none yet (administrations and lines pair in order).
      const line = p.dose && enc.services.find((s) => s.code === p.code && !s.dose && (!day || s.date === day.day));
      if (line) line.dose = p.dose;
      continue;
    }
    const svc: Service = { code: p.code, codeText: p.codeText, units: 1, date: day?.day ?? enc.date, dateText: day?.text ?? enc.dateText, ptr: p.entry.ptr };
    if (p.dose) svc.dose = p.dose;
    const linked = reasons(p.entry, enc, ctx);
    if (linked !== undefined) svc.linked = linked;
    enc.services.push(svc);
  }
}
