/**
 * A FHIR Bulk Data export (`$export`): NDJSON files, one resource a line, named by resource type
 * and possibly several per type, joined into charts by patient reference. Memory stays bounded
 * whatever the export's size: a first streaming pass keeps, for each resource, only where it
 * stands (file, byte offset, length, line), never the resource; then each patient is assembled
 * alone, its lines read back from those places, and dropped before the next one.
 * The places are rows of typed-array columns (bulk-rows.ts), off the JS heap and 24 bytes a
 * resource; a patient's rows are linked in export order, and the patients are numbered in the
 * order the export first mentions them.
 * The assembled resources are numbered like the entries of a Bundle (`/entry/3/resource`), and
 * `sources` tells which file and line each entry came from, to point findings at them.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { ENGINE_RULES, type Severity } from '../../finding.js';
import { deepJsonProblem, farTooDeep, jsonProblem, keysGivenTwice } from '../../read/parse.js';
import { LineReader } from './bulk-read.js';
import { Column } from './bulk-rows.js';
import { canonicalRef, refText, refType, type ExternalLookup, type NotReadLookup } from './refs.js';
import { shown } from './systems.js';
import { billedLines, NO_CHART_HINT, several } from './left-out.js';
import { defaultConceptMap, type ConceptMap } from './concept-map.js';
import { medicationCounts } from './medication.js';
import { drugCode } from './services.js';
import { containedIdentity, identitiesOf, logicalIdentity, logicalType, patientField, type IdentifierCount } from './patient.js';
import { CHART_TYPES, isObj, objects, text, type Entry, type Obj } from './types.js';
import { grouped } from '../../core/numbers.js';

/** Resource types the adapter reads (CHART_TYPES and Patient); the lines of other types about a patient are only counted. */
const READ_TYPES: ReadonlySet<string> = new Set(['Patient', ...CHART_TYPES]);

/** Resource types about no patient that a patient's resources point to (read on demand). */
const SHARED_TYPES = new Set(['Medication']);

/**
 * The longest line a shared resource may be. A Medication is a few kilobytes; one of megabytes,
 * pointed to by every patient, was read and parsed again for each (a 2.7 MB export took a
 * minute). A longer one is reported where it stands and not followed.
 */
export const MAX_SHARED_BYTES = 64 * 1024;
/** How much of the shared resources' lines is kept parsed between patients (the least recently used go first). */
const SHARED_CACHE_BYTES = 16 * 1024 * 1024;

export interface BulkLocation {
  file: number;
  offset: number;
  length: number;
  line: number;
}

export interface BulkProblem {
  file: number;
  line: number;
  column: number;
  ruleId: string;
  severity: Severity;
  message: string;
  /** Where in the line's resource (a key given twice): the line is still read, so the problem stands for no chart left unread. */
  pointer?: string;
}

export interface BulkPatient {
  /** Its number: patients are numbered in the order the export first mentions them. */
  id: number;
  key: string;
  /** The file that stands for the patient in counts: its Patient's, else its first resource's. */
  home: number;
}

export interface BulkSource {
  file: number;
  line: number;
  text: string;
}

export interface AssembledPatient {
  entries: Entry[];
  /** Where entry k came from. */
  sources: BulkSource[];
  /** Looks up resources outside the patient (Medications), adding them to `sources`. */
  external: ExternalLookup;
  /** Why a shared resource that is in the export is not read (too large), if so. */
  notRead: NotReadLookup;
  /** How many Patients of the export hold an identifier that a logical reference names. */
  identifierCount: IdentifierCount;
}

const CHUNK = 1 << 20;

/**
 * Calls `onLine` for every non-blank line of a file, streaming: only one line is held at a time
 * (its bytes may be the read buffer's: valid only during the call).
 */
function forEachLine(path: string, maxLineBytes: number, onLine: (line: Buffer | undefined, offset: number, lineNo: number) => void): void {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(CHUNK);
    let parts: Buffer[] = [];
    let partBytes = 0;
    let tooLong = false;
    let lineStart = 0;
    let lineNo = 1;
    let pos = 0;
    const finish = (): void => {
      if (tooLong) onLine(undefined, lineStart, lineNo);
      else if (partBytes > 0) {
        let line = parts.length === 1 ? parts[0]! : Buffer.concat(parts, partBytes);
        const bom = lineStart === 0 && line[0] === 0xef && line[1] === 0xbb && line[2] === 0xbf ? 3 : 0;
        line = line.subarray(bom, line[line.length - 1] === 0x0d ? line.length - 1 : line.length);
        if (line.some((b) => b !== 0x20 && b !== 0x09)) onLine(line, lineStart + bom, lineNo);
      }
      parts = [];
      partBytes = 0;
      tooLong = false;
    };
    for (;;) {
      const n = readSync(fd, buf, 0, CHUNK, pos);
      if (n === 0) break;
      let from = 0;
      for (;;) {
        const nl = buf.indexOf(0x0a, from);
        const end = nl < 0 || nl >= n ? n : nl;
        if (!tooLong) {
          if (partBytes + (end - from) > maxLineBytes) {
            tooLong = true;
            parts = [];
            partBytes = 0;
          } else if (end > from) {
            // A line's end is handed over before the next read; only a part read on from is copied.
            parts.push(end < n ? buf.subarray(from, end) : Buffer.from(buf.subarray(from, end)));
            partBytes += end - from;
          }
        }
        if (end === n) break;
        finish();
        lineStart = pos + end + 1;
        lineNo++;
        from = end + 1;
      }
      pos += n;
    }
    finish();
  } finally {
    closeSync(fd);
  }
}

/**
 * The patient a resource is about, as a key; undefined when it is about no patient. A Patient
 * the resource contains (`#patient`) is keyed by its first identifier, so that the resources of
 * one beneficiary that each contain a copy of the Patient are one patient (patient.ts groups them
 * alike); one with no identifier is a patient of its own (`at`, the line's place).
 */
function patientKey(r: Obj, type: string, at: string): string | undefined {
  if (type === 'Patient') {
    const id = text(r.id);
    return id === undefined ? undefined : `Patient/${id}`;
  }
  const field = r.subject !== undefined ? r.subject : r.patient;
  const ref = refText(field);
  if (ref === undefined) {
    // A logical reference (by identifier): resolved against the export's Patients once all are indexed.
    const identity = logicalIdentity(field);
    const t = logicalType(field);
    return identity === undefined || (t !== undefined && t !== 'Patient') ? undefined : `${LOGICAL}${identity}`;
  }
  if (ref.startsWith('#')) {
    const contained = objects(r.contained).find(([c]) => c.resourceType === 'Patient' && text(c.id) === ref.slice(1))?.[0];
    if (!contained) return undefined;
    const identity = containedIdentity(contained);
    return identity === undefined ? `Patient@${at}${ref}` : `Patient?identifier=${identity}`;
  }
  const key = canonicalRef(ref);
  const t = refType(key);
  return t === undefined || t === 'Patient' ? key : undefined;
}

/** The key prefix of the resources whose patient is named by identifier (a logical reference), before it is resolved. */
const LOGICAL = 'Patient identifier ';

/**
 * Why a resource of a chart's kind has no patient key, and whether its subject says it is about
 * something other than a patient (a Group: then only a warning), as patient.ts tells it.
 */
function aboutNoPatient(r: Obj, type: string): { why: string; notPatient?: true } {
  const field = patientField(type, r);
  const ref = refText(r[field]);
  const t = ref === undefined ? logicalType(r[field]) : refType(canonicalRef(ref));
  if (ref !== undefined && ref.startsWith('#'))
    return { why: `its \`${field}\` "${shown(ref)}" names a contained resource it does not contain` };
  if (t !== undefined && t !== 'Patient')
    return { why: `its \`${field}\` is ${/^[AEIOU]/.test(t) ? 'an' : 'a'} ${shown(t)}, not a patient`, notPatient: true };
  return { why: `it names no patient (\`${field}\`)` };
}

/** A resource of a chart's kind that belongs to no chart, whose billing waits for the export's Medications. */
interface PendingNoChart {
  file: number;
  line: number;
  type: string;
  id: string | undefined;
  why: { why: string; notPatient?: true };
  /** The Medication its `medicationReference` names (`Type/id`). */
  medication: string;
}

/** The places of resources: one row each, in typed-array columns. */
class Rows {
  readonly file = new Column(Int32Array);
  /** Byte offsets pass 2^31 in a large file: a Float64Array holds them exactly (to 2^53). */
  readonly offset = new Column(Float64Array);
  readonly length = new Column(Uint32Array);
  readonly line = new Column(Uint32Array);
  /** The patient's next row, -1 after its last. */
  readonly next = new Column(Int32Array);
  private count = 0;

  add(file: number, offset: number, length: number, line: number): number {
    const row = this.count++;
    this.file.set(row, file);
    this.offset.set(row, offset);
    this.length.set(row, length);
    this.line.set(row, line);
    this.next.set(row, -1);
    return row;
  }

  location(row: number): BulkLocation {
    return { file: this.file.get(row), offset: this.offset.get(row), length: this.length.get(row), line: this.line.get(row) };
  }
}

export class BulkIndex {
  readonly problems: BulkProblem[] = [];
  private readonly rows = new Rows();
  /** Per patient (by number): its first and last row, and its home file. */
  private readonly first = new Column(Int32Array);
  private readonly last = new Column(Int32Array);
  private readonly home = new Column(Int32Array);
  private readonly keys: string[] = [];
  /** Patient numbers by key, while indexing. */
  private byKey: Map<string, number> | undefined = new Map();
  /** Rows of the resources about no patient that patients point to, by `Type/id`. */
  private readonly shared = new Map<string, number>();
  /** Resources about no patient left out for their size, by `Type/id`: their size. */
  private readonly unreadShared = new Map<string, number>();
  /** Shared resources already parsed, by row, least recently used first. */
  private readonly sharedParsed = new Map<number, { resource: Obj; text: string; bytes: number }>();
  private sharedBytes = 0;
  private readonly lines: LineReader;
  /** The rows of the Patients and their patient numbers, to resolve logical references once all are indexed. */
  private readonly patientRows = new Column(Int32Array);
  private readonly patientIds = new Column(Int32Array);
  private patientCount = 0;
  /**
   * The patient numbers of the Patients that hold each identifier a logical reference names, each
   * once (a Patient given on two lines is one patient; many Patients may share one identifier).
   */
  private readonly byIdentifier = new Map<string, Set<number>>();
  /** Administrations that belong to no chart and name their drug by a Medication of the export, told once all are indexed. */
  private readonly pendingNoChart: PendingNoChart[] = [];

  /** Indexes the files: the first, streaming pass. */
  constructor(
    readonly files: readonly string[],
    private readonly maxLineBytes: number,
    private readonly map: ConceptMap = defaultConceptMap(),
  ) {
    this.lines = new LineReader(files);
    files.forEach((path, file) => this.indexFile(path, file));
    for (const p of this.pendingNoChart)
      this.reportNoChart(p.file, p.line, p.type, p.id, p.why, this.sharedDrug(p.medication) ? 1 : undefined);
    this.pendingNoChart.length = 0;
    this.resolveLogical();
    this.byKey = undefined;
  }

  /** The patients, in the order the export first mentions them (those joined with another by identifier are not). */
  *patients(): Generator<BulkPatient> {
    for (let id = 0; id < this.keys.length; id++) if (this.first.get(id) >= 0) yield { id, key: this.keys[id]!, home: this.home.get(id) };
  }

  /** How many Patients of the export hold an identifier that a logical reference names. */
  identifierCount(identity: string): number {
    return this.byIdentifier.get(identity)?.size ?? 0;
  }

  /**
   * The resources whose patient is named by identifier (a logical reference) join the chart of the
   * one Patient of the export with that identifier (system and value). With none, or several, they
   * stay a patient of their own, which the adapter reports as belonging to no chart. The Patients
   * are read back only when some logical reference names one, and only their identifiers are kept.
   */
  private resolveLogical(): void {
    if (this.byIdentifier.size === 0) return;
    for (let k = 0; k < this.patientCount; k++) {
      const loc = this.rows.location(this.patientRows.get(k));
      const resource = JSON.parse(this.lines.read(loc.file, loc.offset, loc.length)) as Obj;
      const id = this.patientIds.get(k);
      for (const identity of identitiesOf(resource)) this.byIdentifier.get(identity)?.add(id);
    }
    for (const [identity, ids] of this.byIdentifier) {
      const from = this.byKey!.get(`${LOGICAL}${identity}`);
      if (ids.size !== 1 || from === undefined) continue;
      // The logical patient's rows follow the Patient's, and it is no patient of its own.
      const to = ids.values().next().value!;
      this.rows.next.set(this.last.get(to), this.first.get(from));
      this.last.set(to, this.last.get(from));
      this.first.set(from, -1);
    }
  }

  /** The places of a patient's resources, in the order the export holds them. */
  locations(patient: BulkPatient): BulkLocation[] {
    const out: BulkLocation[] = [];
    for (let row = this.first.get(patient.id); row >= 0; row = this.rows.next.get(row)) out.push(this.rows.location(row));
    return out;
  }

  /** Reads one patient's resources back from the files, numbered as Bundle entries. */
  assemble(patient: BulkPatient): AssembledPatient {
    const entries: Entry[] = [];
    const sources: BulkSource[] = [];
    const add = (loc: BulkLocation): Entry => {
      const lineText = this.lines.read(loc.file, loc.offset, loc.length);
      const resource = JSON.parse(lineText) as Obj;
      const ptr = `/entry/${sources.length}/resource`;
      sources.push({ file: loc.file, line: loc.line, text: lineText });
      return { resource, type: String(resource.resourceType), ptr };
    };
    for (const loc of this.locations(patient)) entries.push(add(loc));
    const external: ExternalLookup = (key) => {
      const row = this.shared.get(key);
      if (row === undefined) return undefined;
      const loc = this.rows.location(row);
      const { resource, text } = this.sharedLine(row, loc);
      const ptr = `/entry/${sources.length}/resource`;
      sources.push({ file: loc.file, line: loc.line, text });
      return { resource, type: String(resource.resourceType), ptr };
    };
    const notRead: NotReadLookup = (key) => {
      const bytes = this.unreadShared.get(key);
      return bytes === undefined
        ? undefined
        : `${shown(key)} is in this export but too large to read (${grouped(bytes)} bytes, more than the ${grouped(MAX_SHARED_BYTES)} a resource that patients share may be)`;
    };
    return { entries, sources, external, notRead, identifierCount: (identity) => this.identifierCount(identity) };
  }

  /**
   * A shared resource, parsed once and kept (frozen: every patient that points to it reads the same
   * object) while the lines kept are under SHARED_CACHE_BYTES.
   */
  private sharedLine(row: number, loc: BulkLocation): { resource: Obj; text: string; bytes: number } {
    const kept = this.sharedParsed.get(row);
    if (kept) {
      this.sharedParsed.delete(row);
      this.sharedParsed.set(row, kept);
      return kept;
    }
    const text = this.lines.read(loc.file, loc.offset, loc.length);
    const parsed = { resource: deepFreeze(JSON.parse(text) as Obj), text, bytes: loc.length };
    this.sharedParsed.set(row, parsed);
    this.sharedBytes += loc.length;
    for (const [r, p] of this.sharedParsed) {
      if (this.sharedBytes <= SHARED_CACHE_BYTES || r === row) break;
      this.sharedParsed.delete(r);
      this.sharedBytes -= p.bytes;
    }
    return parsed;
  }

  close(): void {
    this.lines.close();
  }

  private problem(file: number, line: number, column: number, ruleId: string, message: string): void {
    this.problems.push({ file, line, column, ruleId, severity: 'error', message });
  }

  /** Each key given twice in a line's resource: a `chart-format` error with its pointer (the line is still read). */
  private keysGivenTwice(file: number, lineText: string, value: unknown, lineNo: number): void {
    for (const p of keysGivenTwice(lineText, value, lineNo)) {
      const { line, column, message } = p;
      this.problems.push({ file, line, column, ruleId: ENGINE_RULES.chartFormat, severity: 'error', message, pointer: p.pointer ?? '' });
    }
  }

  /** A `chart-format` warning about the resource on a line: read, but left out (an error when `severity` says so). */
  private leftOut(file: number, line: number, type: string, id: string | undefined, why: string, severity: Severity = 'warning'): void {
    const name = `${type}${id === undefined ? '' : `/${shown(id)}`}`;
    this.problems.push({ file, line, column: 1, ruleId: ENGINE_RULES.chartFormat, severity, message: `${name} ${why}.` });
  }

  /**
   * A resource of a chart's kind that belongs to no patient: an error when it bills lines (a
   * Claim's, which are counted, or an administration of a drug the adapter bills) or when it names
   * (or tries to name) a patient; a warning when its subject is not a patient (a Group).
   */
  private aboutNoChart(file: number, line: number, type: string, r: Obj): void {
    const about = aboutNoPatient(r, type);
    const id = text(r.id);
    const counts = type === 'MedicationAdministration' && medicationCounts({ resource: r, type, ptr: '' });
    const ref = refText(r.medicationReference);
    if (counts && r.medicationCodeableConcept === undefined && ref !== undefined && !ref.startsWith('#')) {
      // Its Medication may stand in a file not indexed yet: told once all are.
      this.pendingNoChart.push({ file, line, type, id, why: about, medication: canonicalRef(ref) });
      return;
    }
    const lines = billedLines(type, r, (ma) => {
      if (!counts) return false;
      const med =
        ma.medicationCodeableConcept === undefined ? objects(ma.contained).find(([c]) => `#${text(c.id) ?? ''}` === ref)?.[0] : undefined;
      return (
        drugCode(med ? (med.resourceType === 'Medication' ? med.code : undefined) : ma.medicationCodeableConcept, this.map) !== undefined
      );
    });
    this.reportNoChart(file, line, type, id, about, lines);
  }

  /** True when the Medication of the export a key names is a drug the adapter bills. */
  private sharedDrug(key: string): boolean {
    const row = this.shared.get(key);
    if (row === undefined) return false;
    const { resource } = this.sharedLine(row, this.rows.location(row));
    return resource.resourceType === 'Medication' && drugCode(resource.code, this.map) !== undefined;
  }

  private reportNoChart(
    file: number,
    line: number,
    type: string,
    id: string | undefined,
    about: { why: string; notPatient?: true },
    lines: number | undefined,
  ): void {
    const why = `is not linted, belonging to no chart: ${about.why}`;
    if (lines !== undefined)
      this.leftOut(file, line, type, id, `${why}; its ${several(lines, 'service line')} ${lines === 1 ? 'is' : 'are'} not read`, 'error');
    else if (about.notPatient) this.leftOut(file, line, type, id, why);
    else this.leftOut(file, line, type, id, `${why}.${NO_CHART_HINT.replace(/\.$/, '')}`, 'error');
  }

  /** Adds a resource's place to its patient's rows (a new patient when the key is new). */
  private addResource(key: string, type: string, file: number, offset: number, length: number, lineNo: number): void {
    let id = this.byKey!.get(key);
    if (id === undefined) {
      id = this.keys.length;
      this.byKey!.set(key, id);
      this.keys.push(key);
      this.first.set(id, -1);
      this.home.set(id, file);
    }
    if (type === 'Patient') this.home.set(id, file);
    if (key.startsWith(LOGICAL) && !this.byIdentifier.has(key.slice(LOGICAL.length)))
      this.byIdentifier.set(key.slice(LOGICAL.length), new Set());
    // Lines of types the adapter does not read only make sure their patient has a chart.
    if (!READ_TYPES.has(type) && this.first.get(id) >= 0) return;
    const row = this.rows.add(file, offset, length, lineNo);
    if (type === 'Patient') {
      this.patientRows.set(this.patientCount, row);
      this.patientIds.set(this.patientCount++, id);
    }
    if (this.first.get(id) < 0) this.first.set(id, row);
    else this.rows.next.set(this.last.get(id), row);
    this.last.set(id, row);
  }

  private indexFile(path: string, file: number): void {
    try {
      forEachLine(path, this.maxLineBytes, (line, offset, lineNo) => {
        if (!line) {
          this.problem(
            file,
            lineNo,
            1,
            ENGINE_RULES.readError,
            `Line is over the ${Math.round(this.maxLineBytes / 1048576)} MB limit for one resource (--max-file-size): it is not read.`,
          );
          return;
        }
        const lineText = line.toString('utf8');
        const far = farTooDeep(lineText, lineNo);
        if (far) {
          this.problem(file, far.line, far.column, ENGINE_RULES.parseError, far.message);
          return;
        }
        let value: unknown;
        try {
          value = JSON.parse(lineText);
        } catch (err) {
          const p = jsonProblem(lineText, err, lineNo);
          this.problem(file, p.line, p.column, ENGINE_RULES.parseError, p.message);
          return;
        }
        const deep = deepJsonProblem(lineText, lineNo);
        if (deep) {
          this.problem(file, deep.line, deep.column, ENGINE_RULES.parseError, deep.message);
          return;
        }
        this.keysGivenTwice(file, lineText, value, lineNo);
        const type = isObj(value) ? text(value.resourceType) : undefined;
        if (type === undefined) {
          this.problem(
            file,
            lineNo,
            1,
            ENGINE_RULES.chartFormat,
            'Line is not a FHIR resource (it has no `resourceType`): a Bulk Data file holds one resource a line.',
          );
          return;
        }
        const r = value as Obj;
        if (SHARED_TYPES.has(type)) {
          const id = text(r.id);
          const key = id === undefined ? undefined : `${type}/${id}`;
          // The first line of an id is the one read (or left out); later ones are not.
          if (key !== undefined && (this.shared.has(key) || this.unreadShared.has(key))) return;
          if (line.length > MAX_SHARED_BYTES) {
            if (key !== undefined) this.unreadShared.set(key, line.length);
            this.leftOut(
              file,
              lineNo,
              type,
              id,
              `is ${grouped(line.length)} bytes, more than the ${grouped(MAX_SHARED_BYTES)} a resource that patients share may be: it is not read, and what points to it is not followed`,
            );
            return;
          }
          if (key !== undefined) this.shared.set(key, this.rows.add(file, offset, line.length, lineNo));
          return;
        }
        const key = patientKey(r, type, `${file}:${lineNo}`) ?? (type === 'Patient' ? `Patient@${file}:${lineNo}` : undefined);
        if (key !== undefined) this.addResource(key, type, file, offset, line.length, lineNo);
        else if (CHART_TYPES.has(type)) this.aboutNoChart(file, lineNo, type, r);
      });
    } catch (err) {
      this.problem(file, 1, 1, ENGINE_RULES.readError, `Cannot read the file: ${(err as NodeJS.ErrnoException).code ?? String(err)}.`);
    }
  }
}

/** `value` and everything in it made read-only: a shared resource must look the same to every patient. */
function deepFreeze<T>(value: T): T {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (v === null || typeof v !== 'object' || Object.isFrozen(v)) continue;
    Object.freeze(v);
    for (const x of Object.values(v)) stack.push(x);
  }
  return value;
}
