/**
 * The chart model every rule is evaluated on (docs/chart-format.md), whatever the
 * source format. Each element keeps `ptr`, its JSON pointer inside the source document, so a
 * finding can be located lazily (line and column are computed only for files with findings).
 */

/** A calendar date as a whole number of days since 1970-01-01 (UTC). */
export type Day = number;

export type Setting = 'outpatient' | 'inpatient' | 'emergency' | 'telehealth';
export type DiagnosisStatus = 'confirmed' | 'suspected' | 'ruled-out' | 'history';
export type Sex = 'female' | 'male' | 'other' | 'unknown';
export type NoteSection = 'assessment' | 'plan' | 'hpi' | 'ros' | 'exam' | 'family-history' | 'past-history' | 'other';

export const SETTINGS: readonly Setting[] = ['outpatient', 'inpatient', 'emergency', 'telehealth'];
export const DIAGNOSIS_STATUSES: readonly DiagnosisStatus[] = ['confirmed', 'suspected', 'ruled-out', 'history'];
/** The statuses of a current condition; `ruled-out` and `history` are not current. */
export const CURRENT_STATUSES: ReadonlySet<DiagnosisStatus> = new Set(['confirmed', 'suspected']);
export const SEXES: readonly Sex[] = ['female', 'male', 'other', 'unknown'];
export const NOTE_SECTIONS: readonly NoteSection[] = [
  'assessment',
  'plan',
  'hpi',
  'ros',
  'exam',
  'family-history',
  'past-history',
  'other',
];

export interface Patient {
  id?: string;
  birthDate?: Day;
  birthDateText?: string;
  sex?: Sex;
  ptr: string;
}

export interface Diagnosis {
  /** Normalized: trimmed, upper case, ICD-10-CM dot inserted (`D510` becomes `D51.0`). */
  code: string;
  /** As written in the chart. */
  codeText: string;
  description?: string;
  status: DiagnosisStatus;
  /** 1-based position in the encounter's list (1 is the first-listed diagnosis). */
  rank: number;
  ptr: string;
  /** Set when the code was mapped from another system (e.g. SNOMED CT by the FHIR adapter). */
  mappedFrom?: { system: string; code: string; display?: string };
  /** Set when the code is not ICD-10-CM (a SNOMED CT concept the FHIR concept map does not map). */
  system?: string;
}

export interface Dose {
  value: number;
  unit: string;
  /** For a dose written as a volume: the concentration it was drawn from (1000 mcg/mL). */
  concentration?: { value: number; unit: string };
}

export interface Service {
  code: string;
  codeText: string;
  units: number;
  date: Day;
  dateText: string;
  dose?: Dose;
  /** The diagnoses the line points to; `undefined` when the line has no pointers. */
  linked?: Diagnosis[];
  ptr: string;
}

export interface Note {
  section: NoteSection;
  text: string;
  ptr: string;
}

export interface Encounter {
  id: string;
  date: Day;
  dateText: string;
  setting: Setting;
  diagnoses: Diagnosis[];
  services: Service[];
  notes: Note[];
  ptr: string;
  /** Position in the chart's list of encounters. */
  index: number;
}

export interface Lab {
  loinc?: string;
  test?: string;
  /** The numeric value as written (before unit conversion), when there is one. */
  value?: number;
  /** `<` or `>` for censored values such as "<50". */
  comparator?: '<' | '<=' | '>' | '>=';
  /** The value exactly as written in the chart. */
  valueText: string;
  unit?: string;
  date?: Day;
  dateText?: string;
  referenceRange?: { low?: number; high?: number };
  /** An interpretation flag given by the source (H, L, N, ...), normalized to low | high | normal. */
  interpretation?: 'low' | 'high' | 'normal';
  ptr: string;
}

export interface Medication {
  name?: string;
  code?: string;
  system?: string;
  date?: Day;
  dateText?: string;
  ptr: string;
}

export interface Chart {
  chartId: string;
  patient: Patient;
  encounters: Encounter[];
  labs: Lab[];
  medications: Medication[];
  /** Pointer of the chart inside its document ('' for a whole document, '/3' for an array entry). */
  ptr: string;
}

/**
 * The fields of each subject a rule's `field:` condition reads (dotted for nested ones), as this
 * model holds them: a ruleset that names another is refused, since it could never hold. Kept
 * against the interfaces above by test/field-paths.test.ts.
 */
export const SUBJECT_FIELDS: Readonly<Record<'chart' | 'encounter' | 'diagnosis' | 'service' | 'lab', readonly string[]>> = {
  chart: [
    'chartId',
    'patient',
    'patient.id',
    'patient.birthDate',
    'patient.birthDateText',
    'patient.sex',
    'encounters',
    'labs',
    'medications',
  ],
  encounter: ['id', 'date', 'dateText', 'setting', 'diagnoses', 'services', 'notes'],
  diagnosis: [
    'code',
    'codeText',
    'description',
    'status',
    'rank',
    'mappedFrom',
    'mappedFrom.system',
    'mappedFrom.code',
    'mappedFrom.display',
    'system',
  ],
  service: [
    'code',
    'codeText',
    'units',
    'date',
    'dateText',
    'dose',
    'dose.value',
    'dose.unit',
    'dose.concentration',
    'dose.concentration.value',
    'dose.concentration.unit',
    'linked',
  ],
  lab: [
    'loinc',
    'test',
    'value',
    'comparator',
    'valueText',
    'unit',
    'date',
    'dateText',
    'referenceRange',
    'referenceRange.low',
    'referenceRange.high',
    'interpretation',
  ],
};
