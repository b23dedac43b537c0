/**
 * A FHIR Bulk Data export (`$export`): NDJSON files, one resource a line, named by resource type
 * and possibly several per type, joined into charts by patient reference. Memory stays bounded
 * whatever the export's size: a first streaming pass keeps, for each patient, only where its
 * resources stand (file, byte offset, length, line), never the resources; then each patient is
 * assembled alone, its lines read back from those places, and dropped before the next one.
 * The assembled resources are numbered like the entries of a Bundle (`/entry/3/resource`), and
 * `sources` tells which file and line each entry came from, to point findings at them.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { ENGINE_RULES, type Severity } from '../../finding.js';
import { jsonProblem } from '../../read/parse.js';
import { canonicalRef, refText, refType, type ExternalLookup } from './refs.js';
import { isObj, text, type Entry, type Obj } from './types.js';

/** Resource types the adapter reads; the lines of other types about a patient are only counted. */
const CHART_TYPES = new Set([
  'Patient', 'Encounter', 'Condition', 'Claim', 'ExplanationOfBenefit', 'Procedure', 'Observation',
  'MedicationRequest', 'MedicationStatement', 'MedicationAdministration', 'DocumentReference', 'DiagnosticReport', 'Composition',
]);

/** Resource types about no patient that a patient's resources point to (read on demand). */
const SHARED_TYPES = new Set(['Medication']);

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
}

export interface BulkPatient {
  key: string;
  /** The file that stands for the patient in counts: its Patient's, else its first resource's. */
  home: number;
  /** Where its resources stand, packed four numbers a resource (file, offset, length, line) to keep the index small. */
  packed: number[];
}

/** The places of a patient's resources, in the order the export holds them. */
export function locationsOf(patient: BulkPatient): BulkLocation[] {
  const out: BulkLocation[] = [];
  const p = patient.packed;
  for (let i = 0; i < p.length; i += 4) out.push({ file: p[i]!, offset: p[i + 1]!, length: p[i + 2]!, line: p[i + 3]! });
  return out;
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
}

const CHUNK = 1 << 20;

/** Calls `onLine` for every non-blank line of a file, streaming: only one line is held at a time. */
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
            parts.push(Buffer.from(buf.subarray(from, end)));
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

/** The patient a resource is about, as a key; undefined when it is about no patient. */
function patientKey(r: Obj, type: string): string | undefined {
  if (type === 'Patient') {
    const id = text(r.id);
    return id === undefined ? undefined : `Patient/${id}`;
  }
  const ref = refText(r.subject) ?? refText(r.patient);
  if (ref === undefined || ref.startsWith('#')) return undefined;
  const key = canonicalRef(ref);
  const t = refType(key);
  return t === undefined || t === 'Patient' ? key : undefined;
}

export class BulkIndex {
  readonly problems: BulkProblem[] = [];
  private readonly byPatient = new Map<string, BulkPatient>();
  private readonly shared = new Map<string, BulkLocation>();
  private readonly fds = new Map<number, number>();

  /** Indexes the files: the first, streaming pass. */
  constructor(readonly files: readonly string[], private readonly maxLineBytes: number) {
    files.forEach((path, file) => this.indexFile(path, file));
  }

  /** The patients, in the order the export first mentions them. */
  patients(): IterableIterator<BulkPatient> {
    return this.byPatient.values();
  }

  /** Reads one patient's resources back from the files, numbered as Bundle entries. */
  assemble(patient: BulkPatient): AssembledPatient {
    const entries: Entry[] = [];
    const sources: BulkSource[] = [];
    const add = (loc: BulkLocation): Entry => {
      const lineText = this.read(loc);
      const resource = JSON.parse(lineText) as Obj;
      const ptr = `/entry/${sources.length}/resource`;
      sources.push({ file: loc.file, line: loc.line, text: lineText });
      return { resource, type: String(resource.resourceType), ptr };
    };
    for (const loc of locationsOf(patient)) entries.push(add(loc));
    const external: ExternalLookup = (key) => {
      const loc = this.shared.get(key);
      return loc ? add(loc) : undefined;
    };
    return { entries, sources, external };
  }

  close(): void {
    for (const fd of this.fds.values()) closeSync(fd);
    this.fds.clear();
  }

  private read(loc: BulkLocation): string {
    let fd = this.fds.get(loc.file);
    if (fd === undefined) {
      fd = openSync(this.files[loc.file]!, 'r');
      this.fds.set(loc.file, fd);
    }
    const buf = Buffer.allocUnsafe(loc.length);
    readSync(fd, buf, 0, loc.length, loc.offset);
    return buf.toString('utf8');
  }

  private problem(file: number, line: number, column: number, ruleId: string, message: string): void {
    this.problems.push({ file, line, column, ruleId, severity: 'error', message });
  }

  private indexFile(path: string, file: number): void {
    try {
      forEachLine(path, this.maxLineBytes, (line, offset, lineNo) => {
        if (!line) {
          this.problem(file, lineNo, 1, ENGINE_RULES.readError, `Line is over the ${Math.round(this.maxLineBytes / 1048576)} MB limit for one resource (--max-file-size): it is not read.`);
          return;
        }
        const lineText = line.toString('utf8');
        let value: unknown;
        try {
          value = JSON.parse(lineText);
        } catch (err) {
          const p = jsonProblem(lineText, err, lineNo);
          this.problem(file, p.line, p.column, ENGINE_RULES.parseError, p.message);
          return;
        }
        const type = isObj(value) ? text(value.resourceType) : undefined;
        if (type === undefined) {
          this.problem(file, lineNo, 1, ENGINE_RULES.chartFormat, 'Line is not a FHIR resource (it has no `resourceType`): a Bulk Data file holds one resource a line.');
          return;
        }
        const r = value as Obj;
        if (SHARED_TYPES.has(type)) {
          const id = text(r.id);
          if (id !== undefined && !this.shared.has(`${type}/${id}`)) this.shared.set(`${type}/${id}`, { file, offset, length: line.length, line: lineNo });
          return;
        }
        const key = patientKey(r, type) ?? (type === 'Patient' ? `Patient@${file}:${lineNo}` : undefined);
        if (key === undefined) return;
        let patient = this.byPatient.get(key);
        if (!patient) {
          patient = { key, home: file, packed: [] };
          this.byPatient.set(key, patient);
        }
        if (type === 'Patient') patient.home = file;
        // Lines of types the adapter does not read only make sure their patient has a chart.
        if (CHART_TYPES.has(type) || patient.packed.length === 0) patient.packed.push(file, offset, line.length, lineNo);
      });
    } catch (err) {
      this.problem(file, 1, 1, ENGINE_RULES.readError, `Cannot read the file: ${(err as NodeJS.ErrnoException).code ?? String(err)}.`);
    }
  }
}
