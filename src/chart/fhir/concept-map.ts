/**
 * The FHIR concept map (rulesets/fhir-concept-map.yaml, or a file of the user's): SNOMED CT
 * concepts read as ICD-10-CM codes, HCPCS drug codes recognized by RxNorm code or name, and the
 * note section each LOINC document or section code stands for.
 * It is data, loaded at run time, so a team extends it without touching the adapter. A map that
 * breaks its format stops the run before any chart is read (exit 2), each problem with its place.
 */
import { join } from 'node:path';
import { NOTE_SECTIONS, type NoteSection } from '../model.js';
import { looksLikeIcd10, normalizeIcd10, normalizeProcedureCode } from '../normalize.js';
import { keyName } from '../../core/printable.js';
import { PACKAGE_ROOT } from '../../core/package.js';
import { Problems } from '../../read/problems.js';
import { readSource } from '../../read/source.js';
import { isObj, text } from './types.js';

export const DEFAULT_CONCEPT_MAP = join(PACKAGE_ROOT, 'rulesets', 'fhir-concept-map.yaml');

export interface SnomedTarget {
  icd10: string;
  display?: string;
}

export interface DrugEntry {
  /** The HCPCS code the drug is billed under. */
  code: string;
  rxnorm: ReadonlySet<string>;
  /** Lower case. */
  names: readonly string[];
}

export interface ConceptMap {
  file: string;
  snomed: ReadonlyMap<string, SnomedTarget>;
  drugs: readonly DrugEntry[];
  /** LOINC document or section code -> the note section (a map without `noteSections` takes the built-in one's). */
  noteSections: ReadonlyMap<string, NoteSection>;
}

const KEYS = ['snomed', 'drugs', 'noteSections'];

/** Reads and checks a concept map file; throws a RulesetError listing every problem. */
export function loadConceptMap(path: string = DEFAULT_CONCEPT_MAP): ConceptMap {
  const problems = new Problems();
  const src = readSource(path, problems);
  problems.throwIfAny();
  const raw: unknown = src!.value(); // the built-in map's build-time snapshot: no YAML parsed unless a problem needs its place
  const snomed = new Map<string, SnomedTarget>();
  const drugs: DrugEntry[] = [];
  if (!isObj(raw)) {
    problems.at(src!, [], 'a concept map is a mapping with `snomed` and `drugs`');
    problems.throwIfAny();
  }
  const root = raw as Record<string, unknown>;
  for (const key of Object.keys(root))
    if (!KEYS.includes(key))
      problems.at(
        src!,
        [key],
        `unknown key ${keyName(key)}: a concept map has ${KEYS.slice(0, -1).join(', ')} and ${KEYS[KEYS.length - 1]}`,
      );
  if (root.snomed !== undefined && root.snomed !== null) {
    if (!isObj(root.snomed)) problems.at(src!, ['snomed'], '`snomed` maps SNOMED CT concept ids to { icd10, display }');
    else
      for (const [id, v] of Object.entries(root.snomed)) {
        const icd = isObj(v) ? text(v.icd10) : undefined;
        if (!/^[0-9]{6,18}$/.test(id)) problems.at(src!, ['snomed', id], `${keyName(id)} is not a SNOMED CT concept id (6 to 18 digits)`);
        else if (icd === undefined || !looksLikeIcd10(normalizeIcd10(icd)))
          problems.at(src!, ['snomed', id], `SNOMED CT ${id} needs \`icd10:\` with an ICD-10-CM code (D51.0)`);
        else snomed.set(id, { icd10: normalizeIcd10(icd), ...(isObj(v) && text(v.display) ? { display: text(v.display)! } : {}) });
      }
  }
  if (root.drugs !== undefined && root.drugs !== null) {
    if (!isObj(root.drugs)) problems.at(src!, ['drugs'], '`drugs` maps HCPCS codes to { rxnorm, names }');
    else
      for (const [code, v] of Object.entries(root.drugs)) {
        if (!isObj(v)) {
          problems.at(src!, ['drugs', code], `drug ${keyName(code)} takes { rxnorm: [...], names: [...] }`);
          continue;
        }
        const strings = (key: string): string[] => {
          const l = v[key];
          if (l === undefined || l === null) return [];
          if (!Array.isArray(l) || l.some((x) => text(x) === undefined)) {
            problems.at(src!, ['drugs', code, key], `\`${key}\` takes a list of text`);
            return [];
          }
          return l.map((x) => text(x)!);
        };
        drugs.push({
          code: normalizeProcedureCode(code),
          rxnorm: new Set(strings('rxnorm')),
          names: strings('names').map((n) => n.toLowerCase()),
        });
      }
  }
  const noteSections =
    root.noteSections === undefined || root.noteSections === null
      ? path === DEFAULT_CONCEPT_MAP
        ? new Map<string, NoteSection>()
        : defaultConceptMap().noteSections
      : readNoteSections(root.noteSections, src!, problems);
  problems.throwIfAny();
  return { file: src!.file, snomed, drugs, noteSections };
}

function readNoteSections(raw: unknown, src: NonNullable<ReturnType<typeof readSource>>, problems: Problems): Map<string, NoteSection> {
  const out = new Map<string, NoteSection>();
  if (!isObj(raw)) {
    problems.at(src, ['noteSections'], '`noteSections` maps LOINC codes to note sections');
    return out;
  }
  for (const [code, v] of Object.entries(raw)) {
    if (!/^\d{1,7}-\d$/.test(code))
      problems.at(src, ['noteSections', code], `${keyName(code)} is not a LOINC code (digits, a hyphen and a check digit)`);
    else if (!(NOTE_SECTIONS as readonly unknown[]).includes(v))
      problems.at(src, ['noteSections', code], `LOINC ${code} needs a note section: ${NOTE_SECTIONS.join(', ')}`);
    else out.set(code, v as NoteSection);
  }
  return out;
}

let defaultMap: ConceptMap | undefined;

/** The built-in map, read once. */
export function defaultConceptMap(): ConceptMap {
  defaultMap ??= loadConceptMap();
  return defaultMap;
}

/** The drug a medication is, by its RxNorm codes or its name. */
export function drugFor(map: ConceptMap, rxnorm: readonly string[], name: string | undefined): DrugEntry | undefined {
  const lower = name?.toLowerCase();
  return map.drugs.find((d) => rxnorm.some((c) => d.rxnorm.has(c)) || (lower !== undefined && d.names.some((n) => lower.includes(n))));
}
