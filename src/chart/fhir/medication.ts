/**
 * Medications from MedicationRequest, MedicationStatement, MedicationAdministration and
 * MedicationDispense: the medication's name and code (RxNorm first) from
 * `medicationCodeableConcept` or the Medication that `medicationReference` points to (in the
 * input, or contained).
 */
import type { Medication } from '../model.js';
import { follow, type Context } from './context.js';
import { leftOutByStatus } from './left-out.js';
import { codingIn, codings, conceptText, firstDay, shown } from './systems.js';
import { enteredInError, list, type Entry } from './types.js';
import { ownValue } from '../../core/own.js';

export const MEDICATION_TYPES = ['MedicationRequest', 'MedicationStatement', 'MedicationAdministration', 'MedicationDispense'] as const;

const NOT_GIVEN = new Set(['not-done', 'not-taken', 'on-hold']);
/** A dispense not handed over: still being prepared, cancelled, stopped or declined (on-hold above). */
const NOT_DISPENSED = new Set(['preparation', 'cancelled', 'stopped', 'declined']);

const DATE_FIELDS: Record<string, readonly string[]> = {
  MedicationRequest: ['authoredOn'],
  MedicationStatement: ['effectiveDateTime', 'effectivePeriod.start', 'dateAsserted'],
  MedicationAdministration: ['effectiveDateTime', 'effectivePeriod.start'],
  MedicationDispense: ['whenHandedOver', 'whenPrepared'],
};

/** The CodeableConcept that says which medication a resource is about. */
export function medicationConcept(entry: Entry, ctx: Context): unknown {
  const r = entry.resource;
  if (r.medicationCodeableConcept !== undefined) return r.medicationCodeableConcept;
  const med = follow(
    ctx,
    r.medicationReference,
    entry,
    `${entry.ptr}/medicationReference`,
    'Medication',
    'the medication has no name or code',
    'warning',
  );
  return med?.resource.code;
}

/** True when the resource records a medication that was (or is to be) given. */
export function medicationCounts(entry: Entry): boolean {
  const status = String(entry.resource.status);
  return !enteredInError(entry.resource) && !NOT_GIVEN.has(status) && !(entry.type === 'MedicationDispense' && NOT_DISPENSED.has(status));
}

/**
 * A medication resource that does not count, named with its status and why (`statusReason`: "not-done:
 * Patient declined injection today"), so that an administration not given on an encounter whose
 * claim bills the drug is in the report, not dropped.
 */
export function notGiven(entry: Entry, ctx: Context): void {
  const r = entry.resource;
  const reason = conceptText(list(r.statusReason)[0] ?? r.statusReason);
  const status = shown(String(r.status));
  leftOutByStatus(entry, reason === undefined ? status : `${status}: ${shown(reason, 80)}`, ctx);
}

/** A medication resource with the concept it names (read once: its reference is reported once). */
export interface MedicationEntry {
  entry: Entry;
  concept: unknown;
}

/** The day a medication resource gives (authored, taken, given or handed over), with its text. */
export function medicationDay(entry: Entry): ReturnType<typeof firstDay> {
  return firstDay(entry.resource, ownValue(DATE_FIELDS, entry.type) ?? []);
}

export function medicationOf({ entry, concept }: MedicationEntry): Medication {
  const med: Medication = { ptr: entry.ptr };
  const name = conceptText(concept);
  if (name !== undefined) med.name = name;
  const coding = codingIn(concept, ['rxnorm']) ?? codings(concept)[0];
  if (coding) {
    med.code = coding.code;
    const system = coding.name ?? coding.system?.toLowerCase();
    if (system !== undefined) med.system = system;
  }
  const day = medicationDay(entry);
  if (day) {
    med.date = day.day;
    med.dateText = day.text;
  }
  return med;
}
