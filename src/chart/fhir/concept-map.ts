/**
 * The FHIR concept map (rulesets/fhir-concept-map.yaml, or a file of the user's): SNOMED CT
 * concepts read as ICD-10-CM codes, and HCPCS drug codes recognized by RxNorm code or name.
 * It is data, loaded at run time, so a team extends it without touching the adapter. A map that
 * breaks its format stops the run before any chart is read (exit 2), each problem with its place.
 */
import { join } from 'node:path';
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
}

const KEYS = ['snomed', 'drugs'];

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
  for (const key of Object.keys(root)) if (!KEYS.includes(key)) problems.at(src!, [key], `unknown key ${keyName(key)}: a concept map has ${KEYS.join(' and ')}`);
  if (root.snomed !== undefined && root.snomed !== null) {
    if (!isObj(root.snomed)) problems.at(src!, ['snomed'], '`snomed` maps SNOMED CT concept ids to { icd10, display }');
    else for (const [id, v] of Object.entries(root.snomed)) {
      const icd = isObj(v) ? text(v.icd10) : undefined;
      if (!/^[0-9]{6,18}$/.test(id)) problems.at(src!, ['snomed', id], `${keyName(id)} is not a SNOMED CT concept id (6 to 18 digits)`);
      else if (icd === undefined || !looksLikeIcd10(normalizeIcd10(icd))) problems.at(src!, ['snomed', id], `SNOMED CT ${id} needs \`icd10:\` with an ICD-10-CM code (D51.0)`);
      else snomed.set(id, { icd10: normalizeIcd10(icd), ...(isObj(v) && text(v.display) ? { display: text(v.display)! } : {}) });
    }
  }
  if (root.drugs !== undefined && root.drugs !== null) {
    if (!isObj(root.drugs)) problems.at(src!, ['drugs'], '`drugs` maps HCPCS codes to { rxnorm, names }');
    else for (const [code, v] of Object.entries(root.drugs)) {
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
      drugs.push({ code: normalizeProcedureCode(code), rxnorm: new Set(strings('rxnorm')), names: strings('names').map((n) => n.toLowerCase()) });
    }
  }
  problems.throwIfAny();
  return { file: src!.file, snomed, drugs };
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
