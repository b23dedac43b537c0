/**
 * Services that no Claim bills. A ChargeItem coded in HCPCS or CPT (the billable line item an EHR
 * such as Oracle Health writes before any Claim exists) is a service of its encounter (`context`)
 * when no Claim covers it: `quantity.value` the units, `occurrence[x]` the date, `reason` the
 * diagnosis pointers; where ChargeItems bill an encounter, they are its lines, as a claim's are.
 * Else a Procedure coded in HCPCS or CPT (96372), and a
 * MedicationAdministration coded in HCPCS or recognized as a drug of the concept map (cyanocobalamin
 * as J3420), become services of their encounter when no Claim covers that encounter. Their
 * `reasonReference` and `reasonCode` are the diagnosis pointers. Where a Claim does cover the
 * encounter (or ChargeItems bill it), the administration only lends its dose to a line for the
 * same drug. A ChargeItem on an encounter a Claim covers is reported, not read (the claim's lines
 * are), as is one not coded in HCPCS or CPT or left out by its status. A
 * Procedure coded otherwise (SNOMED CT) on an encounter no claim covers, and a service with no
 * encounter to go to, are reported.
 */
import type { Dose, Service } from '../model.js';
import { normalizeProcedureCode, procedureCodeOf } from '../normalize.js';
import { lineUnits } from './claim.js';
import { drugFor, type ConceptMap } from './concept-map.js';
import { codedDiagnosis } from './condition.js';
import { follow, type Context } from './context.js';
import { icd9Only, ICD9_LEFT_OUT, readCondition } from './diagnoses.js';
import { placeDiagnosis, type EncounterDraft, type Encounters } from './encounter.js';
import { leftOutByStatus, leftOutResource, quoted, resourceName, several } from './left-out.js';
import { medicationDay, type MedicationEntry } from './medication.js';
import {
  codings,
  conceptText,
  firstDay,
  lineCode,
  procedureCoding,
  quantityUnit,
  shown,
  systemLabel,
  type FhirDay,
  type LineCode,
} from './systems.js';
import { enteredInError, isObj, list, objects, type Entry, type Obj } from './types.js';
import { refText, refType } from './refs.js';

const PROCEDURE_NOT_DONE = new Set(['not-done', 'preparation']);

/** ChargeItem statuses that bill nothing: `aborted` (not to be billed), `not-billable`, entered in error. */
const CHARGE_NOT_BILLED = new Set(['aborted', 'not-billable', 'entered-in-error']);

interface Performed {
  entry: Entry;
  /** The code it is billed under; undefined for a Procedure not coded in HCPCS or CPT. */
  billed?: { code: string; codeText: string };
  /** What a Procedure's code is (for the finding when it is not billed). */
  lineCode?: LineCode;
  dose?: Dose;
  dateFields: readonly string[];
  encounterRef: unknown;
  /** A ChargeItem: a billed line of its own, with its units. */
  charge?: { units: number };
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

/** The ChargeItems that bill, first (their encounters' lines); those left out by status are reported. */
function charged(charges: readonly Entry[], ctx: Context): Performed[] {
  const out: Performed[] = [];
  for (const entry of charges) {
    const status = String(entry.resource.status);
    if (CHARGE_NOT_BILLED.has(status)) {
      leftOutByStatus(entry, status, ctx);
      continue;
    }
    const p = coded(entry, ['occurrenceDateTime', 'occurrencePeriod.start', 'occurrencePeriod.end'], entry.resource.context);
    p.charge = { units: lineUnits(entry.resource, entry.ptr, ctx, 'ChargeItem') };
    out.push(p);
  }
  return out;
}

/** A Procedure or a ChargeItem as a line: its `code` read, billed when it is in HCPCS or CPT. */
function coded(entry: Entry, dateFields: readonly string[], encounterRef: unknown): Performed {
  const lc = lineCode(entry.resource.code);
  const p: Performed = { entry, lineCode: lc, dateFields, encounterRef };
  if (lc.kind === 'procedure') p.billed = { code: normalizeProcedureCode(lc.coding.code), codeText: lc.coding.code };
  return p;
}

function performed(procedures: readonly Entry[], administrations: readonly MedicationEntry[], ctx: Context): Performed[] {
  const out: Performed[] = [];
  for (const entry of procedures) {
    const status = String(entry.resource.status);
    if (enteredInError(entry.resource) || PROCEDURE_NOT_DONE.has(status)) {
      leftOutByStatus(entry, status, ctx);
      continue;
    }
    out.push(coded(entry, ['performedDateTime', 'performedPeriod.start'], entry.resource.encounter));
  }
  for (const { entry, concept } of administrations) {
    if (entry.type === 'MedicationDispense') {
      dispensed(entry, concept, ctx);
      continue;
    }
    if (entry.type !== 'MedicationAdministration') continue;
    // An administration of a drug b12lint does not bill is a medication of the chart, not a service.
    const drug = drugCode(concept, ctx.map);
    if (!drug) continue;
    // Given by the patient or a caregiver: no dose the practice gave, named (the line that bills it is the coder's to check).
    const by = selfAdministered(entry, ctx);
    if (by !== undefined) {
      ctx.leftOut.add('self-administered', 'info', SELF_ADMINISTERED, leftOutResource(entry, `${drug.code}, given by ${by}`, drug.code));
      continue;
    }
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

const SELF_ADMINISTERED = (n: number): string =>
  `${several(n, 'administration')} given by the patient or a caregiver (\`performer\`), not read as ${n === 1 ? 'a dose' : 'doses'} the practice gave: the practice does not bill a drug the patient gives themself, and a line that bills ${n === 1 ? 'it' : 'them'} is to be checked`;

/**
 * Who gave an administration, when its `performer` names the patient or a RelatedPerson (a
 * caregiver): "the patient (Patient/pt1)". Read from the reference's target, or its written type.
 */
function selfAdministered(entry: Entry, ctx: Context): string | undefined {
  for (const [performer] of objects(entry.resource.performer)) {
    const written = refText(performer.actor);
    if (written === undefined) continue;
    const type = ctx.index.resolve(performer.actor, entry)?.type ?? refType(written);
    if (type === 'Patient') return `the patient, ${shown(written, 60)}`;
    if (type === 'RelatedPerson') return `a caregiver, ${shown(written, 60)}`;
  }
  return undefined;
}

const DISPENSED = (n: number): string =>
  `${several(n, 'supply', 'supplies')} of a drug b12lint bills handed to the patient (MedicationDispense), not read as ${n === 1 ? 'a dose' : 'doses'} the practice gave: a supply the patient takes away is not billed as a drug given, and a line that bills ${n === 1 ? 'it' : 'them'} is to be checked`;

/**
 * A MedicationDispense of a drug b12lint bills (cyanocobalamin as J3420): a supply handed to the
 * patient, which no line bills as a dose given. A medication of the chart, and named, with its
 * quantity and the day it was handed over, where it names an encounter (`context`).
 */
function dispensed(entry: Entry, concept: unknown, ctx: Context): void {
  const drug = drugCode(concept, ctx.map);
  if (!drug || entry.resource.context === undefined) return;
  const q = entry.resource.quantity;
  const amount =
    isObj(q) && typeof q.value === 'number' && Number.isFinite(q.value)
      ? `${q.value}${typeof q.unit === 'string' ? ` ${shown(q.unit, 20)}` : ''}`
      : undefined;
  const day = medicationDay(entry);
  const detail = [drug.code, amount, day && `handed over ${day.text}`].filter((x) => x !== undefined).join(', ');
  ctx.leftOut.add('dispensed', 'info', DISPENSED, leftOutResource(entry, detail, drug.code));
}

const NOT_BILLED = (n: number): string =>
  `${several(n, 'procedure')} not linted as ${n === 1 ? 'a service' : 'services'}, not coded in HCPCS or CPT`;
const UNKNOWN_SYSTEM = (n: number): string =>
  `${several(n, 'procedure')} not linted as ${n === 1 ? 'a service' : 'services'}, coded in a system b12lint does not know (not HCPCS or CPT)`;
const NO_CODE = (n: number): string => `${several(n, 'procedure')} not linted as ${n === 1 ? 'a service' : 'services'}, with no code`;
const UNPLACED = (n: number): string => `${several(n, 'service')} not linted, with no encounter to place ${n === 1 ? 'it' : 'them'} on`;
const CHARGE_NOT_BILLED_CODE = (n: number): string => `${several(n, 'charge item')} not linted, not coded in HCPCS or CPT`;
const CHARGE_UNKNOWN = (n: number): string =>
  `${several(n, 'charge item')} not linted, coded in a system b12lint does not know (not HCPCS or CPT)`;
const CHARGE_NO_CODE = (n: number): string => `${several(n, 'charge item')} not linted, with no code`;
const CHARGE_CLAIMED = (n: number): string =>
  `${several(n, 'charge item')} not linted as ${n === 1 ? 'a line' : 'lines'}: a Claim covers ${n === 1 ? 'its encounter' : 'their encounters'}, and the claim's lines are read`;

/** A Procedure (or a ChargeItem) not coded in HCPCS or CPT, on an encounter no claim covers. */
function notBilled(p: Performed, ctx: Context): void {
  const lc = p.lineCode!;
  const charge = p.charge !== undefined;
  if (lc.kind === 'none') {
    ctx.leftOut.add(charge ? 'charge-none' : 'procedure-none', 'warning', charge ? CHARGE_NO_CODE : NO_CODE, leftOutResource(p.entry));
    return;
  }
  const item = leftOutResource(p.entry, `${quoted(lc.coding.code)} in ${systemLabel(lc.coding)}`, lc.coding.code);
  if (lc.kind === 'other')
    ctx.leftOut.add(charge ? 'charge-other' : 'procedure-other', 'info', charge ? CHARGE_NOT_BILLED_CODE : NOT_BILLED, item);
  else ctx.leftOut.add(charge ? 'charge-unknown' : 'procedure-unknown', 'warning', charge ? CHARGE_UNKNOWN : UNKNOWN_SYSTEM, item);
}

/** A ChargeItem on an encounter a Claim covers: the claim's lines are what is billed. */
function chargeOnClaim(p: Performed, ctx: Context): void {
  const lc = p.lineCode!;
  const item =
    lc.kind === 'none'
      ? leftOutResource(p.entry)
      : leftOutResource(p.entry, `${quoted(lc.coding.code)} in ${systemLabel(lc.coding)}`, lc.coding.code);
  ctx.leftOut.add('charge-claimed', 'info', CHARGE_CLAIMED, item);
}

/** The diagnoses a procedure or administration was done for, placed on its encounter. */
function reasons(entry: Entry, enc: EncounterDraft, ctx: Context): Service['linked'] {
  const r = entry.resource;
  // A ChargeItem names its reasons in `reason` (CodeableConcepts), as a Procedure does in `reasonCode`.
  const reasonCode = entry.type === 'ChargeItem' ? r.reason : r.reasonCode;
  if (r.reasonReference === undefined && reasonCode === undefined) return undefined;
  const linked: NonNullable<Service['linked']> = [];
  list(r.reasonReference).forEach((ref, i) => {
    const condition = follow(ctx, ref, entry, `${entry.ptr}/reasonReference/${i}`, 'Condition', 'the service is not linked to it');
    const draft = condition ? readCondition(condition, ctx) : undefined;
    if (draft) linked.push(placeDiagnosis(enc, draft));
  });
  for (const [concept, i] of objects(reasonCode)) {
    const ptr = `${entry.ptr}/${entry.type === 'ChargeItem' ? 'reason' : 'reasonCode'}/${i}`;
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

/** A billed service with no encounter to go to: a warning, an error for a ChargeItem (a billed line). */
function unplaced(
  p: Performed & { billed: NonNullable<Performed['billed']> },
  day: FhirDay | undefined,
  encounters: Encounters,
  ctx: Context,
): void {
  const why = !day
    ? 'it names no encounter and has no date'
    : `it names no encounter, and ${encounters.onDayCount(day.day) === 0 ? 'none is' : 'more than one is'} on ${day.text}`;
  const item = leftOutResource(p.entry, `${quoted(p.billed.codeText)}: ${why}`, p.billed.codeText);
  if (p.charge) ctx.leftOut.add('charge-unplaced', 'error', UNPLACED, item);
  else ctx.leftOut.add('service-unplaced', 'warning', UNPLACED, item);
}

/** Where each kind of resource names its encounter and its code. */
function fieldsOf(type: string): { encounter: string; code: string } {
  if (type === 'Procedure') return { encounter: 'encounter', code: 'code' };
  return { encounter: 'context', code: type === 'ChargeItem' ? 'code' : 'medicationCodeableConcept' };
}

/**
 * `charges`: the ChargeItems; `administrations`: the medication resources that count (given, not
 * in error), with their concepts. ChargeItems are placed first: an encounter they bill takes its
 * lines from them, and its Procedures and administrations only lend their doses, as on a claim.
 */
export function applyServices(
  procedures: readonly Entry[],
  administrations: readonly MedicationEntry[],
  encounters: Encounters,
  ctx: Context,
  charges: readonly Entry[] = [],
): void {
  const undosed = new UndosedLines();
  const billedBy = new Set<EncounterDraft>();
  for (const p of [...charged(charges, ctx), ...performed(procedures, administrations, ctx)]) {
    const day = firstDay(p.entry.resource, p.dateFields);
    const fields = fieldsOf(p.entry.type);
    const enc =
      p.encounterRef !== undefined
        ? encounters.find(
            p.encounterRef,
            p.entry,
            `${p.entry.ptr}/${fields.encounter}`,
            `the ${p.entry.type} is not placed on an encounter`,
          )
        : day && encounters.onDay(day.day);
    if (p.charge && enc?.claimed) {
      chargeOnClaim(p, ctx);
      continue;
    }
    if (!p.billed) {
      // Where a claim (or a ChargeItem) bills the encounter, its lines are what is billed.
      if (p.charge || !(enc?.claimed || (enc && billedBy.has(enc)))) notBilled(p, ctx);
      continue;
    }
    if (!enc) {
      // A reference that does not resolve was reported where it stands.
      if (p.encounterRef === undefined) unplaced({ ...p, billed: p.billed }, day || undefined, encounters, ctx);
      continue;
    }
    if (!p.charge && (enc.claimed || billedBy.has(enc))) {
      // The claim bills it; the administration documents the dose of one billed line: the first
      // line for that drug on that day that has none yet (administrations and lines pair in order).
      const line = p.dose && undosed.first(enc, p.billed.code, day?.day);
      if (line) line.dose = p.dose;
      continue;
    }
    if (p.charge) billedBy.add(enc);
    enc.services.push(serviceOf({ ...p, billed: p.billed }, enc, day || undefined, fields.code, ctx));
  }
}

/** A billed Procedure, administration or ChargeItem as a service of its encounter. */
function serviceOf(
  p: Performed & { billed: NonNullable<Performed['billed']> },
  enc: EncounterDraft,
  day: FhirDay | undefined,
  codeField: string,
  ctx: Context,
): Service {
  const read = procedureCodeOf(p.billed.codeText);
  // At the resource's code (the resource itself stays a service, named once).
  if (read.problem) ctx.p.add(`${p.entry.ptr}/${codeField}`, read.problem.message(`"${quoted(p.billed.codeText)}"`), read.problem.severity);
  const svc: Service = {
    code: read.code,
    codeText: p.billed.codeText,
    units: p.charge?.units ?? 1,
    date: day?.day ?? enc.date,
    dateText: day?.text ?? enc.dateText,
    ptr: p.entry.ptr,
  };
  if (p.dose) svc.dose = p.dose;
  const linked = reasons(p.entry, enc, ctx);
  if (linked !== undefined) svc.linked = linked;
  return svc;
}
