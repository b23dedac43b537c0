/**
 * One chart per patient: resources are grouped by the patient their `subject` (or `patient`)
 * references: a Patient in the input (top level or contained), or, when the Patient itself is not
 * in the input, the reference as written (the chart then has no birth date or sex). Resources
 * about no patient (Organization, Medication, a Group's Observation) belong to no chart.
 */
import type { Patient } from '../model.js';
import { canonicalRef, refText, refType, type ResourceIndex } from './refs.js';
import { fhirDay } from './systems.js';
import { text, type Entry } from './types.js';

export interface PatientGroup {
  /** The Patient resource, when the input holds it. */
  patient?: Entry;
  /** The reference its resources use, when the Patient is not in the input. */
  orphan?: { ref: string; ptr: string };
  entries: Entry[];
}

export function groupByPatient(entries: readonly Entry[], index: ResourceIndex): PatientGroup[] {
  const groups: PatientGroup[] = [];
  const byPatient = new Map<Entry, PatientGroup>();
  const byRef = new Map<string, PatientGroup>();
  const groupOf = (patient: Entry): PatientGroup => {
    let g = byPatient.get(patient);
    if (!g) {
      g = { patient, entries: [] };
      byPatient.set(patient, g);
      groups.push(g);
    }
    return g;
  };
  for (const e of entries) {
    if (e.type === 'Patient') {
      groupOf(e);
      continue;
    }
    const field = e.resource.subject !== undefined ? 'subject' : 'patient';
    const written = refText(e.resource[field]);
    if (written === undefined) continue;
    const hit = index.resolve(e.resource[field], e);
    if (hit) {
      if (hit.type === 'Patient') groupOf(hit).entries.push(e);
      continue;
    }
    const type = refType(written);
    if (type !== undefined && type !== 'Patient') continue;
    const key = canonicalRef(written);
    let g = byRef.get(key);
    if (!g) {
      g = { orphan: { ref: written, ptr: `${e.ptr}/${field}` }, entries: [] };
      byRef.set(key, g);
      groups.push(g);
    }
    g.entries.push(e);
  }
  return groups;
}

/** The chart id of a patient: the Patient's id, else its fullUrl, else the id its references use. */
export function chartIdOf(g: PatientGroup): string {
  if (g.patient) return text(g.patient.resource.id) ?? g.patient.fullUrl ?? g.patient.ptr;
  const ref = canonicalRef(g.orphan!.ref);
  return ref.startsWith('Patient/') ? ref.slice('Patient/'.length) : ref;
}

export function patientOf(g: PatientGroup): Patient {
  const id = chartIdOf(g);
  if (!g.patient) return { id, ptr: g.orphan!.ptr };
  const r = g.patient.resource;
  const patient: Patient = { id, ptr: g.patient.ptr };
  const born = fhirDay(r.birthDate);
  if (born) {
    patient.birthDate = born.day;
    patient.birthDateText = born.text;
  }
  const gender = text(r.gender);
  if (gender === 'female' || gender === 'male' || gender === 'other' || gender === 'unknown') patient.sex = gender;
  return patient;
}
