/**
 * Diagnoses from FHIR: a Condition, or a Claim's `diagnosisCodeableConcept`. The ICD-10-CM (or
 * ICD-10) coding is the code; a concept coded only in SNOMED CT is read through the concept map
 * (and remembers it in `mappedFrom`), or kept as it is, with its system, when the map has no entry.
 * `verificationStatus`: confirmed as confirmed; provisional, differential and unconfirmed as
 * suspected; refuted as ruled-out. A Condition whose `clinicalStatus` is resolved or inactive and
 * that abated (`abatementDateTime`, `abatementPeriod.start`) on or before the date of an encounter
 * it is placed on is history there: it was no longer present (placeDiagnosis compares the dates).
 * The clinical status is the condition's state when the export was made, so one with no abatement
 * date is read as its verification says for the encounters it is placed on. Both statuses are read
 * from the coding in the HL7 code system R4 binds them to (condition-ver-status,
 * condition-clinical), wherever it stands in the list: an EHR's local coding often comes first.
 * A coding with no system is read as the HL7 one; a status coded only in other systems is not
 * read, with a warning. STU3's plain code (`"verificationStatus": "confirmed"`) is read too.
 */
import type { Diagnosis, DiagnosisStatus } from '../model.js';
import { normalizeIcd10, looksLikeIcd10 } from '../normalize.js';
import type { ConceptMap } from './concept-map.js';
import type { Context } from './context.js';
import { codingIn, codings, firstDay, systemLabel, type Coding } from './systems.js';
import { enteredInError, isObj, text, type Entry, type Obj } from './types.js';
import { ownValue } from '../../core/own.js';

/**
 * A diagnosis before it is placed on an encounter (rank is its place there); `abated`: the day a
 * resolved or inactive Condition abated, so that it is history on encounters from that day.
 */
export type DiagnosisDraft = Omit<Diagnosis, 'rank'> & { abated?: number };

const STATUS: Record<string, DiagnosisStatus> = {
  confirmed: 'confirmed',
  provisional: 'suspected',
  differential: 'suspected',
  unconfirmed: 'suspected',
  refuted: 'ruled-out',
};

/** The code of a CodeableConcept as a diagnosis, or undefined when it has no coding. */
export function codedDiagnosis(concept: unknown, ptr: string, map: ConceptMap): DiagnosisDraft | undefined {
  // The description is the display of the ICD-10-CM coding that gave the code, else the concept's
  // text; for a code from another system, the concept's text, else that coding's display. Never
  // another coding's display (a SNOMED CT "Pernicious anemia" beside ICD-10-CM D51.9 would
  // describe D51.9 as what it is not). With neither, the rules' words name the code.
  const conceptName = isObj(concept) ? text(concept.text) : undefined;
  const base = (code: string, codeText: string, from: Coding, icd = false): DiagnosisDraft => {
    const d: DiagnosisDraft = { code, codeText, status: 'confirmed', ptr };
    const description = icd ? (from.display ?? conceptName) : (conceptName ?? from.display);
    if (description !== undefined) d.description = description;
    return d;
  };
  const icd =
    codingIn(concept, ['icd-10-cm', 'icd-10']) ??
    codings(concept).find((c) => c.system === undefined && looksLikeIcd10(normalizeIcd10(c.code)));
  if (icd) return base(normalizeIcd10(icd.code), icd.code, icd, true);
  const snomed = codingIn(concept, ['snomed']);
  if (snomed) {
    const target = map.snomed.get(snomed.code);
    if (!target) return { ...base(snomed.code, snomed.code, snomed), system: 'snomed' };
    const d = base(target.icd10, snomed.code, snomed);
    d.mappedFrom = { system: 'SNOMED CT', code: snomed.code };
    if (snomed.display !== undefined) d.mappedFrom.display = snomed.display;
    return d;
  }
  // ICD-9-CM is never read as a diagnosis code (diagnoses.ts says why one is left out).
  const other = codings(concept).find((c) => c.name !== 'icd-9-cm');
  if (!other) return undefined;
  const d = base(other.code.toUpperCase(), other.code, other);
  const system = other.name ?? other.system;
  if (system !== undefined) d.system = system;
  return d;
}

/**
 * A Condition as a diagnosis. Undefined when it does not count (entered in error) or has no
 * code (reported, since the chart then misses a diagnosis).
 */
export function conditionDiagnosis(entry: Entry, ctx: Context): DiagnosisDraft | undefined {
  const r = entry.resource;
  if (enteredInError(r) || verificationStatus(r) === 'entered-in-error') return undefined;
  const d = codedDiagnosis(r.code, entry.ptr, ctx.map);
  if (!d) {
    ctx.p.add(entry.ptr, 'Condition has no coded `code`: it is left out of the diagnoses.', 'warning');
    return undefined;
  }
  // A verification code is chart text: only the table's own keys ("constructor" is no status).
  const code = verificationStatus(r, (why) => warnStatus(entry, 'verificationStatus', why, ctx)) ?? 'confirmed';
  const status = ownValue(STATUS, code);
  if (status) d.status = status;
  const clinical = clinicalStatus(r, (why) => warnStatus(entry, 'clinicalStatus', why, ctx));
  const abated =
    clinical === 'resolved' || clinical === 'inactive' ? firstDay(r, ['abatementDateTime', 'abatementPeriod.start']) : undefined;
  if (abated && d.status === 'confirmed') d.abated = abated.day;
  // Ended at export, with no day it ended: current on its encounters, as its verification says;
  // the coder is told, since the record may say it had ended by then (a coder's review, rev32 P14).
  if (!abated && d.status === 'confirmed' && (clinical === 'resolved' || clinical === 'inactive') && once(entry, 'no-abatement'))
    ctx.p.add(
      `${entry.ptr}/clinicalStatus`,
      `Condition \`clinicalStatus\` is "${clinical}" with no abatement date: the diagnosis is read as current on its encounter; if it had ended by then, an abatement date makes it history there.`,
      'info',
    );
  return d;
}

export const VER_STATUS_SYSTEM = 'http://terminology.hl7.org/CodeSystem/condition-ver-status';
export const CLINICAL_SYSTEM = 'http://terminology.hl7.org/CodeSystem/condition-clinical';

/**
 * A status CodeableConcept's code in `system` (the HL7 code system R4 binds it to), else the code
 * of a coding with no system; STU3's plain code as written. `unread` hears of a status coded only
 * in other systems (a local "U" with no HL7 coding beside it).
 */
function statusCode(v: unknown, system: string, unread?: (why: string) => void): string | undefined {
  if (typeof v === 'string') return text(v);
  const all = codings(v);
  const bound = all.find((c) => c.system !== undefined && c.system.replace(/\/+$/, '').toLowerCase() === system.toLowerCase());
  const code = (bound ?? all.find((c) => c.system === undefined))?.code;
  if (code === undefined && all.length > 0) unread?.(`${systemLabel(all[0]!)} "${all[0]!.code}"`);
  return code;
}

/** `verificationStatus`, from its condition-ver-status coding. */
export function verificationStatus(r: Obj, unread?: (why: string) => void): string | undefined {
  return statusCode(r.verificationStatus, VER_STATUS_SYSTEM, unread);
}

/** `clinicalStatus`, from its condition-clinical coding. */
export function clinicalStatus(r: Obj, unread?: (why: string) => void): string | undefined {
  return statusCode(r.clinicalStatus, CLINICAL_SYSTEM, unread);
}

/** Conditions already warned about (one may be read by a claim, a service and its encounter). */
const WARNED = new WeakMap<Obj, Set<string>>();

/** True the first time a Condition is asked about `what` (a Condition may be read several times). */
function once(entry: Entry, what: string): boolean {
  const seen = WARNED.get(entry.resource) ?? new Set<string>();
  if (seen.has(what)) return false;
  seen.add(what);
  WARNED.set(entry.resource, seen);
  return true;
}

function warnStatus(entry: Entry, field: string, found: string, ctx: Context): void {
  if (!once(entry, field)) return;
  const system = field === 'verificationStatus' ? VER_STATUS_SYSTEM : CLINICAL_SYSTEM;
  const read = field === 'verificationStatus' ? 'the diagnosis is read as confirmed' : 'the condition is read as current';
  ctx.p.add(`${entry.ptr}/${field}`, `Condition \`${field}\` has no coding in ${system} (only ${found}): ${read}.`, 'warning');
}
