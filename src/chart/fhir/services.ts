/**
 * Services that no Claim bills: a Procedure coded in HCPCS or CPT (96372), and a
 * MedicationAdministration coded in HCPCS or recognized as a drug of the concept map (cyanocobalamin
 * as J3420), become services of their encounter when no Claim covers that encounter. Their
 * `reasonReference` and `reasonCode` are the diagnosis pointers. Where a Claim does cover the
 * encounter, the administration only lends its dose to a claim line for the same drug. A
 * Procedure coded otherwise (SNOMED CT) on an encounter no claim covers, and a service with no
 * encounter to go to, are reported.
 */
import type { Dose, Service } from '../model.js';
import { normalizeProcedureCode, procedureCodeOf } from '../normalize.js';
import { drugFor, type ConceptMap } from './concept-map.js';
import { codedDiagnosis } from './condition.js';
import { follow, type Context } from './context.js';
import { icd9Only, ICD9_LEFT_OUT, readCondition } from './diagnoses.js';
import { placeDiagnosis, type EncounterDraft, type Encounters } from './encounter.js';
import { leftOutByStatus, leftOutResource, quoted, resourceName, several } from './left-out.js';
import type { MedicationEntry } from './medication.js';
import { codings, conceptText, firstDay, lineCode, procedureCoding, quantityUnit, systemLabel, type LineCode } from './systems.js';
import { enteredInError, isObj, list, objects, type Entry, type Obj } from './types.js';

const PROCEDURE_NOT_DONE = new Set(['not-done', 'preparation']);

interface Performed {
  entry: Entry;
  /** The code it is billed under; undefined for a Procedure not coded in HCPCS or CPT. */
  billed?: { code: string; codeText: string };
  /** What a Procedure's code is (for the finding when it is not billed). */
  lineCode?: LineCode;
  dose?: Dose;
  dateFields: readonly string[];
  encounterRef: unknown;
}

/** The HCPCS code a medication concept is billed under, if b12lint can tell. */
export function drugCode(concept: unknown, map: ConceptMap): { code: string; codeText: string } | undefined {
  const coded = procedureCoding(concept);
  if (coded) return { code: normalizeProcedureCode(coded.code), codeText: coded.code };
  const rxnorm = codings(concept)
    .filter((c) => c.name === 'rxnorm')
    .map((c) => c.code);
  const drug = drugFor(map, rxnorm, conceptText(concept));
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
    const status = String(entry.resource.status);
    if (enteredInError(entry.resource) || PROCEDURE_NOT_DONE.has(status)) {
      leftOutByStatus(entry, status, ctx);
      continue;
    }
    const lc = lineCode(entry.resource.code);
    const p: Performed = {
      entry,
      lineCode: lc,
      dateFields: ['performedDateTime', 'performedPeriod.start'],
      encounterRef: entry.resource.encounter,
    };
    if (lc.kind === 'procedure') p.billed = { code: normalizeProcedureCode(lc.coding.code), codeText: lc.coding.code };
    out.push(p);
  }
  for (const { entry, concept } of administrations) {
    if (entry.type !== 'MedicationAdministration') continue;
    // An administration of a drug b12lint does not bill is a medication of the chart, not a service.
    const drug = drugCode(concept, ctx.map);
    if (!drug) continue;
    const p: Performed = {
      entry,
      billed: drug,
      dateFields: ['effectiveDateTime', 'effectivePeriod.start'],
      encounterRef: entry.resource.context,
    };
    const dose = doseOf(entry.resource);
    if (dose) p.dose = dose;
    out.push(p);
  }
  return out;
}

const NOT_BILLED = (n: number): string =>
  `${several(n, 'procedure')} not linted as ${n === 1 ? 'a service' : 'services'}, not coded in HCPCS or CPT`;
const UNKNOWN_SYSTEM = (n: number): string =>
  `${several(n, 'procedure')} not linted as ${n === 1 ? 'a service' : 'services'}, coded in a system b12lint does not know (not HCPCS or CPT)`;
const NO_CODE = (n: number): string => `${several(n, 'procedure')} not linted as ${n === 1 ? 'a service' : 'services'}, with no code`;
const UNPLACED = (n: number): string => `${several(n, 'service')} not linted, with no encounter to place ${n === 1 ? 'it' : 'them'} on`;

/** A Procedure not coded in HCPCS or CPT, on an encounter no claim covers. */
function notBilled(p: Performed, ctx: Context): void {
  const lc = p.lineCode!;
  if (lc.kind === 'none') {
    ctx.leftOut.add('procedure-none', 'warning', NO_CODE, leftOutResource(p.entry));
    return;
  }
  const item = leftOutResource(p.entry, `${quoted(lc.coding.code)} in ${systemLabel(lc.coding)}`, lc.coding.code);
  if (lc.kind === 'other') ctx.leftOut.add('procedure-other', 'info', NOT_BILLED, item);
  else ctx.leftOut.add('procedure-unknown', 'warning', UNKNOWN_SYSTEM, item);
}

/** The diagnoses a procedure or administration was done for, placed on its encounter. */
function reasons(entry: Entry, enc: EncounterDraft, ctx: Context): Service['linked'] {
  const r = entry.resource;
  if (r.reasonReference === undefined && r.reasonCode === undefined) return undefined;
  const linked: NonNullable<Service['linked']> = [];
  list(r.reasonReference).forEach((ref, i) => {
    const condition = follow(ctx, ref, entry, `${entry.ptr}/reasonReference/${i}`, 'Condition', 'the service is not linked to it');
    const draft = condition ? readCondition(condition, ctx) : undefined;
    if (draft) linked.push(placeDiagnosis(enc, draft));
  });
  for (const [concept, i] of objects(r.reasonCode)) {
    const ptr = `${entry.ptr}/reasonCode/${i}`;
    const nine = icd9Only(concept);
    if (nine) {
      ctx.leftOut.add('icd-9', 'info', ICD9_LEFT_OUT, {
        ptr,
        label: `${resourceName(entry)} reason (${quoted(nine.code)})`,
        kind: 'diagnosis',
        code: nine.code,
      });
      continue;
    }
    const draft = codedDiagnosis(concept, ptr, ctx.map);
    if (draft) linked.push(placeDiagnosis(enc, draft));
  }
  return linked;
}

/**
 * A claimed encounter's billed lines with no dose yet, by code (and day), in the claim's order: the
 * line an administration's dose goes to is the first of them. Each was looked for among all the
 * encounter's lines, past those already dosed (thousands of administrations of one drug took
 * time in their square). Lines are indexed when first asked about; a claimed encounter gets no
 * lines here, and a line gets a dose only through `first`'s caller, so a list's cursor only
 * moves past lines dosed since.
 */
class UndosedLines {
  private readonly byEncounter = new Map<EncounterDraft, Map<string, { lines: Service[]; next: number }>>();

  first(enc: EncounterDraft, code: string, day: number | undefined): Service | undefined {
    let lists = this.byEncounter.get(enc);
    if (!lists) {
      lists = new Map();
      for (const s of enc.services) {
        for (const key of [s.code, `${s.code}\u0000${s.date}`]) {
          const list = lists.get(key);
          if (list) list.lines.push(s);
          else lists.set(key, { lines: [s], next: 0 });
        }
      }
      this.byEncounter.set(enc, lists);
    }
    const list = lists.get(day === undefined ? code : `${code}\u0000${day}`);
    if (!list) return undefined;
    while (list.next < list.lines.length && list.lines[list.next]!.dose) list.next++;
    return list.lines[list.next];
  }
}

/** `administrations`: the medication resources that count (given, not in error), with their concepts. */
export function applyServices(
  procedures: readonly Entry[],
  administrations: readonly MedicationEntry[],
  encounters: Encounters,
  ctx: Context,
): void {
  const undosed = new UndosedLines();
  for (const p of performed(procedures, administrations, ctx)) {
    const day = firstDay(p.entry.resource, p.dateFields);
    const enc =
      p.encounterRef !== undefined
        ? encounters.find(
            p.encounterRef,
            p.entry,
            `${p.entry.ptr}/${p.entry.type === 'Procedure' ? 'encounter' : 'context'}`,
            `the ${p.entry.type} is not placed on an encounter`,
          )
        : day && encounters.onDay(day.day);
    if (!p.billed) {
      // Where a claim covers the encounter, the claim's lines are what is billed.
      if (!enc?.claimed) notBilled(p, ctx);
      continue;
    }
    if (!enc) {
      // A reference that does not resolve was reported where it stands.
      if (p.encounterRef === undefined) {
        const why = !day
          ? 'it names no encounter and has no date'
          : `it names no encounter, and ${encounters.onDayCount(day.day) === 0 ? 'none is' : 'more than one is'} on ${day.text}`;
        ctx.leftOut.add(
          'service-unplaced',
          'warning',
          UNPLACED,
          leftOutResource(p.entry, `${quoted(p.billed.codeText)}: ${why}`, p.billed.codeText),
        );
      }
      continue;
    }
    if (enc.claimed) {
      // The claim bills it; the administration documents the dose of one billed line: the first
      // line for that drug on that day that has none yet (administrations and lines pair in order).
      const line = p.dose && undosed.first(enc, p.billed.code, day?.day);
      if (line) line.dose = p.dose;
      continue;
    }
    const read = procedureCodeOf(p.billed.codeText);
    // At the resource's code (the resource itself stays a service, named once).
    const at = `${p.entry.ptr}/${p.entry.type === 'Procedure' ? 'code' : 'medicationCodeableConcept'}`;
    if (read.problem) ctx.p.add(at, read.problem.message(`"${quoted(p.billed.codeText)}"`), read.problem.severity);
    const svc: Service = {
      code: read.code,
      codeText: p.billed.codeText,
      units: 1,
      date: day?.day ?? enc.date,
      dateText: day?.text ?? enc.dateText,
      ptr: p.entry.ptr,
    };
    if (p.dose) svc.dose = p.dose;
    const linked = reasons(p.entry, enc, ctx);
    if (linked !== undefined) svc.linked = linked;
    enc.services.push(svc);
  }
}
