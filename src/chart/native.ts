/**
 * The native adapter: a parsed document (docs/chart-format.md) becomes charts of the
 * model, and whatever breaks the format becomes a `chart-format` finding at the exact place.
 * A broken element is left out with a finding; the rest of the chart is still linted.
 */
import { MAX_SHOWN, shownValue } from '../core/shown.js';
import { ENGINE_RULES, type Severity, type UnlocatedFinding } from '../finding.js';
import { escapePointerToken } from '../read/json-locate.js';
import { TOO_DEEP_ENTRY } from '../read/parse.js';
import { parseLabValue } from './lab-value.js';
import { normalizeUnit } from './units.js';
import { parseConcentration, parseDose } from './dose.js';
import {
  DIAGNOSIS_STATUSES,
  NOTE_SECTIONS,
  SETTINGS,
  SEXES,
  type Chart,
  type Diagnosis,
  type DiagnosisStatus,
  type Dose,
  type Encounter,
  type Lab,
  type Medication,
  type Note,
  type NoteSection,
  type Patient,
  type Service,
  type Setting,
  type Sex,
} from './model.js';
import { normalizeIcd10, parseDay, procedureCodeOf } from './normalize.js';
import { pushAll } from '../core/arrays.js';
import { grouped } from '../core/numbers.js';

export interface AdaptResult {
  charts: Chart[];
  findings: UnlocatedFinding[];
  /** Pointers of documents or list entries that stood where a chart should be but could not be read as one. */
  refused: string[];
  /**
   * Set by the FHIR adapter: chart ids derived from the patient, and charts spread over their
   * document (a chart is not one subtree). The same patient may stand in several files, so such
   * ids are not checked for duplicates, and a finding belongs to the chart its chartId names.
   */
  derivedIds?: boolean;
}

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Why an id over MAX_SHOWN characters is not taken (its size, never its text), and what follows. */
export function tooLongId(what: string, id: string, then: string): string {
  return `${what} is ${grouped(id.length)} characters long, longer than an id can be (at most ${MAX_SHOWN}): ${then}.`;
}

/** Chart text quoted in a message: at most 30 characters of it. */
function quotedText(v: string): string {
  return `"${v.length > 30 ? `${v.slice(0, 30)}...` : v}"`;
}

export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return v === '' ? 'an empty string' : `the text "${v.length > 30 ? `${v.slice(0, 30)}...` : v}"`;
  return `the ${typeof v} ${String(v)}`;
}

/**
 * Collects what breaks the chart format in one chart, as `chart-format` findings of the report
 * (a chart is linted, never refused). Every message is plain English for the person fixing the
 * export. Problems of the files that configure a run refuse the run instead: read/problems.ts.
 */
const LONG_QUOTE = new RegExp(`"([^"]{${MAX_SHOWN + 1},})"`, 'g');

export class ChartProblems {
  readonly findings: UnlocatedFinding[] = [];
  chartId?: string;
  encounterId?: string;

  add(pointer: string, message: string, severity: Severity = 'error'): void {
    // A value the message quotes is shown by its start and size when long (src/core/shown.ts).
    if (message.length > MAX_SHOWN) message = message.replace(LONG_QUOTE, (_m, inner: string) => `"${shownValue(inner)}"`);
    const f: UnlocatedFinding = { ruleId: ENGINE_RULES.chartFormat, severity, message, pointer, evidence: [] };
    if (this.chartId !== undefined) f.chartId = this.chartId;
    if (this.encounterId !== undefined) f.encounterId = this.encounterId;
    this.findings.push(f);
  }
}

function str(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

function list(obj: Obj, key: string, ptr: string, p: ChartProblems, required = false): unknown[] {
  const v = obj[key];
  if (v === undefined || v === null) {
    if (v === undefined) nearMissKey(obj, key, ptr, p);
    if (required) p.add(ptr, `Missing \`${key}\`: expected a list.`);
    return [];
  }
  if (!Array.isArray(v)) {
    p.add(`${ptr}/${key}`, `\`${key}\` must be a list; found ${describe(v)}.`);
    return [];
  }
  return v;
}

/** A key as it may be mistyped: case, spaces, underscores, hyphens and invisible characters aside. */
function looseKey(k: string): string {
  // Letters and digits of ASCII only (most keys): NFKC leaves them, and there is nothing to drop.
  if (PLAIN_KEY.test(k)) return k.toLowerCase();
  return k
    .normalize('NFKC')
    .replace(/[\p{Cf}\p{Z}\s_-]/gu, '')
    .toLowerCase();
}

const PLAIN_KEY = /^[A-Za-z0-9]*$/;

/**
 * A list key the object lacks, written another way ("Services", "services " with a space,
 * "service", a zero-width space in it): an error at that key, since the list it holds (a claim's
 * lines) would be passed over with the fields b12lint does not know (a security review). Looked
 * for only where the key is missing, so a chart as the format writes it costs nothing.
 */
function nearMissKey(obj: Obj, key: string, ptr: string, p: ChartProblems): void {
  const want = looseKey(key);
  const one = key === 'diagnoses' ? 'diagnosis' : key.slice(0, -1);
  for (const k of Object.keys(obj)) {
    const loose = looseKey(k);
    if (k === key || (loose !== want && loose !== one)) continue;
    p.add(
      `${ptr}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`,
      `Key ${quotedText(k)} is not \`${key}\` (keys are written exactly as the format names them): what it holds is not read.`,
    );
  }
}

function enumValue<T extends string>(v: unknown, allowed: readonly T[], fallback: T, ptr: string, what: string, p: ChartProblems): T {
  if (v === undefined || v === null) return fallback;
  const s = typeof v === 'string' ? v.trim().toLowerCase() : undefined;
  if (s !== undefined && (allowed as readonly string[]).includes(s)) return s as T;
  p.add(ptr, `Unknown ${what} ${describe(v)}: expected one of ${allowed.join(', ')}.`);
  return fallback;
}

function day(v: unknown, ptr: string, what: string, p: ChartProblems, required: boolean): { day: number; text: string } | undefined {
  if (v === undefined || v === null) {
    if (required) p.add(ptr.slice(0, ptr.lastIndexOf('/')), `Missing ${what}: expected a date written YYYY-MM-DD.`);
    return undefined;
  }
  const text = typeof v === 'string' ? v.trim() : undefined;
  const d = text !== undefined ? parseDay(text) : undefined;
  if (d === undefined) {
    p.add(ptr, `${what[0]!.toUpperCase()}${what.slice(1)} ${describe(v)} is not a date: expected YYYY-MM-DD.`);
    return undefined;
  }
  return { day: d, text: text! };
}

function adaptPatient(v: unknown, ptr: string, p: ChartProblems): Patient {
  const patient: Patient = { ptr };
  if (v === undefined || v === null) return patient;
  if (!isObj(v)) {
    p.add(ptr, `\`patient\` must be a mapping; found ${describe(v)}.`);
    return patient;
  }
  const id = str(v.id);
  if (id !== undefined) patient.id = id;
  const bd = day(v.birthDate, `${ptr}/birthDate`, 'birth date', p, false);
  if (bd) {
    patient.birthDate = bd.day;
    patient.birthDateText = bd.text;
  }
  if (v.sex !== undefined && v.sex !== null) patient.sex = enumValue<Sex>(v.sex, SEXES, 'unknown', `${ptr}/sex`, 'sex', p);
  return patient;
}

function adaptDiagnoses(raw: unknown[], ptr: string, p: ChartProblems): Diagnosis[] {
  const out: Diagnosis[] = [];
  raw.forEach((d, i) => {
    const dptr = `${ptr}/${i}`;
    if (!isObj(d)) {
      // A bare code in the list is accepted: `diagnoses: [D51.0, E53.8]`.
      const code = str(d);
      if (code && code.trim()) {
        out.push({ code: normalizeIcd10(code), codeText: code, status: 'confirmed', rank: i + 1, ptr: dptr });
      } else {
        p.add(dptr, `A diagnosis must be a mapping with a \`code\`; found ${describe(d)}.`);
      }
      return;
    }
    const code = str(d.code);
    if (!code || !code.trim()) {
      p.add(dptr, d.code === undefined ? 'Diagnosis has no `code`.' : `Diagnosis code must be text; found ${describe(d.code)}.`);
      return;
    }
    const diag: Diagnosis = {
      code: normalizeIcd10(code),
      codeText: code,
      status: enumValue<DiagnosisStatus>(d.status, DIAGNOSIS_STATUSES, 'confirmed', `${dptr}/status`, 'diagnosis status', p),
      rank: i + 1,
      ptr: dptr,
    };
    if (typeof d.description === 'string') diag.description = d.description;
    out.push(diag);
  });
  return out;
}

/**
 * An encounter's diagnoses by code (the first of a code given twice), made once for all its lines:
 * a line's pointers were each looked for among all the diagnoses (1,000 lines of 1,000 pointers
 * to 1,000 diagnoses took seconds).
 */
const BY_CODE = new WeakMap<readonly Diagnosis[], Map<string, Diagnosis>>();
const FEW_DIAGNOSES = 16;

function byCode(diagnoses: readonly Diagnosis[]): Map<string, Diagnosis> {
  let map = BY_CODE.get(diagnoses);
  if (!map) {
    map = new Map();
    for (const d of diagnoses) if (!map.has(d.code)) map.set(d.code, d);
    BY_CODE.set(diagnoses, map);
  }
  return map;
}

function resolvePointers(v: unknown, ptr: string, diagnoses: Diagnosis[], p: ChartProblems): Diagnosis[] | undefined {
  if (v === undefined || v === null) return undefined;
  const items = Array.isArray(v) ? v : [v];
  const linked: Diagnosis[] = [];
  items.forEach((item, i) => {
    const iptr = Array.isArray(v) ? `${ptr}/${i}` : ptr;
    if (typeof item === 'number') {
      const d = Number.isInteger(item) ? diagnoses[item - 1] : undefined;
      if (d) linked.push(d);
      else p.add(iptr, `Diagnosis pointer ${item} does not point at a diagnosis of this encounter (it has ${diagnoses.length}).`);
      return;
    }
    const code = str(item);
    if (code === undefined) {
      p.add(iptr, `A diagnosis pointer must be a code or a 1-based position; found ${describe(item)}.`);
      return;
    }
    const wanted = normalizeIcd10(code);
    // A few diagnoses (most encounters) are searched; a map is made for many.
    const d = diagnoses.length <= FEW_DIAGNOSES ? diagnoses.find((x) => x.code === wanted) : byCode(diagnoses).get(wanted);
    if (d) linked.push(d);
    else p.add(iptr, `Diagnosis pointer "${shownValue(code)}" is not among this encounter's diagnoses.`);
  });
  return linked;
}

/**
 * A documented dose: `{ value, unit }` (with `concentration` for a volume), or text such as
 * "1000 mcg", "1 mL of 1000 mcg/mL", "1 mL (1000 mcg/mL)".
 */
function doseOf(dose: unknown): Dose | undefined {
  if (isObj(dose) && typeof dose.value === 'number' && Number.isFinite(dose.value) && typeof dose.unit === 'string') {
    const unit = dose.unit.trim();
    const c = dose.concentration;
    const concentration =
      typeof c === 'string'
        ? parseConcentration(c)
        : isObj(c) && typeof c.value === 'number' && Number.isFinite(c.value) && typeof c.unit === 'string'
          ? parseConcentration(`${c.value} ${c.unit}`)
          : undefined;
    if (c !== undefined && c !== null && !concentration) return undefined;
    if (concentration) return { value: dose.value, unit, concentration };
    // A unit that carries its concentration ("mL of 1000 mcg/mL") is read as written.
    if (/\d/.test(unit)) return parseDose(`${dose.value} ${unit}`);
    return { value: dose.value, unit };
  }
  if (typeof dose !== 'string') return undefined;
  const parsed = parseDose(dose);
  if (parsed) return parsed;
  const pv = parseLabValue(dose);
  return pv.value !== undefined && pv.unit ? { value: pv.value, unit: pv.unit } : undefined;
}

function adaptServices(
  raw: unknown[],
  ptr: string,
  enc: { date: number; dateText: string },
  diagnoses: Diagnosis[],
  p: ChartProblems,
): Service[] {
  const out: Service[] = [];
  raw.forEach((s, i) => {
    const sptr = `${ptr}/${i}`;
    if (!isObj(s)) {
      p.add(sptr, `A service must be a mapping with a \`code\`; found ${describe(s)}.`);
      return;
    }
    const read = typeof s.code === 'string' || typeof s.code === 'number' ? procedureCodeOf(s.code) : { code: '' };
    const code = read.code;
    if (!code) {
      p.add(sptr, s.code === undefined ? 'Service has no `code`.' : `Service code must be text; found ${describe(s.code)}.`);
      return;
    }
    if (read.problem) p.add(`${sptr}/code`, read.problem.message(quotedText(String(s.code))), read.problem.severity);
    let units = 1;
    if (s.units !== undefined && s.units !== null) {
      if (typeof s.units === 'number' && Number.isFinite(s.units) && s.units > 0) units = s.units;
      else p.add(`${sptr}/units`, `Units must be a positive number; found ${describe(s.units)}.`);
    }
    const d = day(s.date, `${sptr}/date`, 'service date', p, false);
    const svc: Service = { code, codeText: String(s.code), units, date: d?.day ?? enc.date, dateText: d?.text ?? enc.dateText, ptr: sptr };
    if (s.dose !== undefined && s.dose !== null) {
      const dose = s.dose;
      const parsed = doseOf(dose);
      if (parsed) svc.dose = parsed;
      else
        p.add(
          `${sptr}/dose`,
          `Dose must be written { value: <number>, unit: <unit> } (a volume may add \`concentration: "1000 mcg/mL"\`), or as text such as "1000 mcg" or "1 mL of 1000 mcg/mL"; found ${describe(dose)}.`,
        );
    }
    const linked = resolvePointers(s.diagnoses, `${sptr}/diagnoses`, diagnoses, p);
    if (linked !== undefined) svc.linked = linked;
    out.push(svc);
  });
  return out;
}

function adaptNotes(raw: unknown[], ptr: string, p: ChartProblems): Note[] {
  const out: Note[] = [];
  raw.forEach((n, i) => {
    const nptr = `${ptr}/${i}`;
    if (typeof n === 'string') {
      out.push({ section: 'other', text: n, ptr: nptr });
      return;
    }
    if (!isObj(n) || typeof n.text !== 'string') {
      p.add(nptr, isObj(n) ? 'Note has no `text`.' : `A note must be a mapping with \`section\` and \`text\`; found ${describe(n)}.`);
      return;
    }
    const section = enumValue<NoteSection>(n.section, NOTE_SECTIONS, 'other', `${nptr}/section`, 'note section', p);
    out.push({ section, text: n.text, ptr: nptr });
  });
  return out;
}

function adaptEncounters(raw: unknown[], ptr: string, p: ChartProblems): Encounter[] {
  const out: Encounter[] = [];
  const seen = new Set<string>();
  raw.forEach((e, i) => {
    const eptr = `${ptr}/${i}`;
    if (!isObj(e)) {
      p.add(eptr, `An encounter must be a mapping with \`id\` and \`date\`; found ${describe(e)}.`);
      return;
    }
    const givenId = str(e.id)?.trim();
    const id = givenId && givenId.length <= MAX_SHOWN ? givenId : undefined;
    p.encounterId = id || undefined;
    if (!id && givenId) p.add(`${eptr}/id`, tooLongId('Encounter id', givenId, 'the encounter is left out'));
    else if (!id) p.add(eptr, e.id === undefined ? 'Encounter has no `id`.' : `Encounter id must be text; found ${describe(e.id)}.`);
    else if (seen.has(id)) p.add(`${eptr}/id`, `Duplicate encounter id "${id}": encounter ids must be unique within a chart.`);
    if (id) seen.add(id);
    const d = day(e.date, `${eptr}/date`, 'encounter date', p, true);
    const setting = enumValue<Setting>(e.setting, SETTINGS, 'outpatient', `${eptr}/setting`, 'setting', p);
    const diagnoses = adaptDiagnoses(list(e, 'diagnoses', eptr, p), `${eptr}/diagnoses`, p);
    const encounterDate = { date: d?.day ?? Number.NaN, dateText: d?.text ?? '' };
    const services = adaptServices(list(e, 'services', eptr, p), `${eptr}/services`, encounterDate, diagnoses, p);
    const notes = adaptNotes(list(e, 'notes', eptr, p), `${eptr}/notes`, p);
    p.encounterId = undefined;
    // An encounter without a usable id or date cannot be placed in time: it is reported and left out.
    if (!id || !d) return;
    out.push({ id, date: d.day, dateText: d.text, setting, diagnoses, services, notes, ptr: eptr, index: out.length });
  });
  return out;
}

/** A lab's `referenceRange: { low, high }`; anything else is reported. */
function labRange(rr: unknown, ptr: string, p: ChartProblems): Lab['referenceRange'] {
  if (isObj(rr)) {
    const range: { low?: number; high?: number } = {};
    const low = rangeBound(rr.low);
    const high = rangeBound(rr.high);
    // A bound written but not a number ("2OO", a typo read by a lab value's parser as 2): the
    // range is not read at all, since its other bound alone would make a low result "within its range".
    for (const [k, v, n] of [['low', rr.low, low] as const, ['high', rr.high, high] as const]) {
      if (n === undefined && v !== undefined && v !== null && !(typeof v === 'string' && NO_BOUND.test(v))) {
        p.add(`${ptr}/${k}`, `Reference range \`${k}\` must be a number; found ${describe(v)}: the range is not read.`, 'warning');
        return undefined;
      }
    }
    if (low !== undefined && high !== undefined && low > high) {
      p.add(ptr, `Reference range has its low (${low}) above its high (${high}): the range is not read.`, 'warning');
      return undefined;
    }
    if (low !== undefined) range.low = low;
    if (high !== undefined) range.high = high;
    return range;
  }
  if (rr !== undefined && rr !== null) p.add(ptr, `Reference range must be written { low, high }; found ${describe(rr)}.`, 'warning');
  return undefined;
}

/** A reference range's bound: a number, or a text that is one, a unit after it or not ("200", "200 pg/mL"). */
function rangeBound(v: unknown): number | undefined {
  if (typeof v === 'string' && !RANGE_BOUND.test(v.trim())) return undefined;
  return parseLabValue(v).value;
}
/** A number, and a unit after it that is one: with a slash or a percent sign ("pg/mL", "%"), not "2 OO". */
const RANGE_BOUND = /^[+-]?\d[\d,]*(?:\.\d+)?(?:\s*\S*[/%]\S*)?$/;
/** How an export writes a bound it does not have: nothing, or a dash. */
const NO_BOUND = /^\s*[-\u2013\u2014]?\s*$/;

/** A lab's `flag` (L, LL, low, H, HH, high, N, normal, any case). */
function labFlag(v: unknown): Lab['interpretation'] {
  const flag = typeof v === 'string' ? v.trim().toLowerCase() : undefined;
  if (flag === 'l' || flag === 'low' || flag === 'll') return 'low';
  if (flag === 'h' || flag === 'high' || flag === 'hh') return 'high';
  if (flag === 'n' || flag === 'normal') return 'normal';
  return undefined;
}

function adaptLabs(raw: unknown[], ptr: string, p: ChartProblems): Lab[] {
  const out: Lab[] = [];
  raw.forEach((l, i) => {
    const lptr = `${ptr}/${i}`;
    if (!isObj(l)) {
      p.add(lptr, `A lab result must be a mapping; found ${describe(l)}.`);
      return;
    }
    const loinc = str(l.loinc)?.trim();
    const test = str(l.test)?.trim();
    if (!loinc && !test) {
      p.add(lptr, 'Lab result has neither `loinc` nor `test`: no rule can tell what was measured.');
      return;
    }
    const lab: Lab = { valueText: l.value === undefined || l.value === null ? '' : String(l.value), ptr: lptr };
    if (loinc) lab.loinc = loinc;
    if (test) lab.test = test;
    const parsed = parseLabValue(l.value);
    const unit = str(l.unit)?.trim();
    // A unit in the value that is not the `unit` field's ("180 pmol/L" with `unit: pg/mL`): the
    // value's own is the one written with the number, and read in the other a level flips a rule
    // (a spec audit). Said, not silent; the same unit spelled two ways ("µmol/L", "umol/L") is one.
    const conflict = unit !== undefined && unit !== '' && parsed.unit !== undefined && normalizeUnit(parsed.unit) !== normalizeUnit(unit);
    if (conflict)
      p.add(
        `${lptr}/value`,
        `Lab value ${describe(l.value)} names another unit than its \`unit\` (${describe(unit)}): it is read in its own unit.`,
        'warning',
      );
    if (parsed.value !== undefined) lab.value = parsed.value;
    else if (l.value !== undefined && l.value !== null)
      p.add(`${lptr}/value`, `Lab value ${describe(l.value)} has no number that can be read.`, 'warning');
    if (parsed.comparator) lab.comparator = parsed.comparator;
    if (conflict) lab.unit = parsed.unit;
    else if (unit) lab.unit = unit;
    else if (parsed.unit) lab.unit = parsed.unit;
    const d = day(l.date, `${lptr}/date`, 'lab date', p, true);
    if (d) {
      lab.date = d.day;
      lab.dateText = d.text;
    }
    const range = labRange(l.referenceRange, `${lptr}/referenceRange`, p);
    if (range) lab.referenceRange = range;
    const flag = labFlag(l.flag) ?? parsed.flag;
    if (flag) lab.interpretation = flag;
    out.push(lab);
  });
  return out;
}

function adaptMedications(raw: unknown[], ptr: string, p: ChartProblems): Medication[] {
  const out: Medication[] = [];
  raw.forEach((m, i) => {
    const mptr = `${ptr}/${i}`;
    if (typeof m === 'string') {
      out.push({ name: m, ptr: mptr });
      return;
    }
    if (!isObj(m)) {
      p.add(mptr, `A medication must be a mapping; found ${describe(m)}.`);
      return;
    }
    const med: Medication = { ptr: mptr };
    const name = str(m.name);
    const code = str(m.code);
    const system = str(m.system);
    if (name) med.name = name;
    if (code) med.code = code.trim();
    if (system) med.system = system.trim().toLowerCase();
    const d = day(m.date, `${mptr}/date`, 'medication date', p, false);
    if (d) {
      med.date = d.day;
      med.dateText = d.text;
    }
    out.push(med);
  });
  return out;
}

/**
 * What stands where a chart was expected, by its kind and never its text: a chart file may be a
 * symbolic link to any file the run can read (a key, `.env`, a token file), and a one-line file
 * parses as a bare scalar, whose text the report would carry into every format (security review 27).
 */
function shapeOf(v: unknown): string {
  if (typeof v === 'string') return v === '' ? 'an empty string' : `a text of ${grouped(v.length)} character${v.length === 1 ? '' : 's'}`;
  if (typeof v === 'number' || typeof v === 'bigint') return 'a number';
  return describe(v); // null, true, false, a list
}

/** One chart from one value at `ptr` ('' for a whole document). */
export function adaptChart(value: unknown, ptr: string): AdaptResult {
  const p = new ChartProblems();
  if (!isObj(value)) {
    p.add(ptr, `Expected a chart (a mapping with \`chartId\` and \`encounters\`); found ${shapeOf(value)}.`);
    return { charts: [], findings: p.findings, refused: [ptr] };
  }
  const rawId = value.chartId;
  const givenId = str(rawId)?.trim();
  // An id longer than a finding shows is no id: every finding of the chart would repeat it.
  const chartId = givenId && givenId.length <= MAX_SHOWN ? givenId : undefined;
  if (chartId) {
    p.chartId = chartId;
    // The format's id is text: a number is read as its digits (a leading zero or a long number is
    // already lost by then), and said (a spec audit).
    if (typeof rawId === 'number')
      p.add(
        `${ptr}/chartId`,
        `\`chartId\` is ${describe(rawId)}, not text: read as "${chartId}". Export ids as text: a number loses leading zeros and digits beyond 15.`,
        'warning',
      );
  } else if (givenId) p.add(ptr, tooLongId('`chartId`', givenId, 'the chart is linted without an id'));
  else p.add(ptr, rawId === undefined ? 'Chart has no `chartId`.' : `\`chartId\` must be non-empty text; found ${describe(rawId)}.`);
  const patient = adaptPatient(value.patient, `${ptr}/patient`, p);
  const encRaw = list(value, 'encounters', ptr, p, true);
  if (Array.isArray(value.encounters) && encRaw.length === 0) p.add(`${ptr}/encounters`, 'A chart needs at least one encounter.');
  const encounters = adaptEncounters(encRaw, `${ptr}/encounters`, p);
  const labs = adaptLabs(list(value, 'labs', ptr, p), `${ptr}/labs`, p);
  const medications = adaptMedications(list(value, 'medications', ptr, p), `${ptr}/medications`, p);
  const chart: Chart = { chartId: chartId ?? '', patient, encounters, labs, medications, ptr };
  return { charts: [chart], findings: p.findings, refused: [] };
}

/** What kind of report a document is, when it is b12lint's JSON report, a SARIF log or a Code Quality report (by their members). */
function reportKind(value: unknown): string | undefined {
  const codeQuality = (x: unknown): boolean =>
    isObj(x) && typeof x.check_name === 'string' && typeof x.fingerprint === 'string' && !('chartId' in x);
  if (Array.isArray(value)) return value.length > 0 && value.every(codeQuality) ? 'Code Quality report' : undefined;
  if (!isObj(value) || 'chartId' in value || 'encounters' in value) return undefined;
  if (isObj(value.tool) && value.tool.name === 'b12lint' && Array.isArray(value.results)) return 'b12lint JSON report';
  if (Array.isArray(value.runs) && (value.version === '2.1.0' || (typeof value.$schema === 'string' && value.$schema.includes('sarif'))))
    return 'SARIF log';
  return undefined;
}

/** Every chart of a document: one chart, or a list of charts (a JSON array, a YAML sequence). */
export function adaptDocument(value: unknown): AdaptResult {
  const report = reportKind(value);
  if (report) {
    // A report of an earlier run, written among the charts: said so, not as a chart's missing fields.
    const message = `This file is a ${report}, not a chart: write reports outside the charts' folders, or name them in .b12lintignore.`;
    return {
      charts: [],
      findings: [{ ruleId: ENGINE_RULES.chartFormat, severity: 'error', message, pointer: '', evidence: [] }],
      refused: [''],
    };
  }
  if (!Array.isArray(value)) return adaptChart(value, '');
  const out: AdaptResult = { charts: [], findings: [], refused: [] };
  if (value.length === 0) {
    out.findings.push({
      ruleId: ENGINE_RULES.chartFormat,
      severity: 'error',
      message: 'Expected charts; found an empty list.',
      pointer: '',
      evidence: [],
    });
    out.refused.push('');
  }
  value.forEach((item, i) => {
    if (item === TOO_DEEP_ENTRY) {
      out.refused.push(`/${escapePointerToken(i)}`); // its finding is the parse problem (read/parse.ts)
      return;
    }
    const r = adaptChart(item, `/${escapePointerToken(i)}`);
    pushAll(out.charts, r.charts);
    for (const f of r.findings) out.findings.push(f); // a loop: a chart may have more findings than a call takes arguments
    pushAll(out.refused, r.refused);
  });
  return out;
}
