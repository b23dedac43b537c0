/**
 * Nothing of an input is dropped in silence: what the adapter does not put in a chart (a claim
 * line coded in SNOMED CT, an ICD-9-CM diagnosis, an Observation with no value, a note with no
 * encounter to go to) is a `chart-format` finding that names it, with its code and system, and
 * says why. Things left out for the same reason in the same place (the lines of one claim, the
 * problem-list Conditions of one chart) share one finding, which lists each and cites each as
 * evidence (its own line and column), so that a claim of twenty SNOMED CT lines is one finding,
 * not twenty. `info` when the thing is of a kind b12lint does not lint (a SNOMED CT line),
 * `warning` when it may be what b12lint lints but cannot read (a system it does not know).
 */
import { ENGINE_RULES, MAX_EVIDENCE, type Evidence, type EvidenceKind, type Severity, type UnlocatedFinding } from '../../finding.js';
import type { ChartProblems } from '../native.js';
import { procedureCoding, shown } from './systems.js';
import { isObj, objects, text, typedId, type Entry, type Obj } from './types.js';
import { ownValue } from '../../core/own.js';
import { grouped } from '../../core/numbers.js';

export interface LeftOutItem {
  /** JSON pointer of the element left out. */
  ptr: string;
  /** How the message names it: "line 2: 50849002 in SNOMED CT". */
  label: string;
  kind: EvidenceKind;
  code?: string;
}

/** How a message names a resource: `Type/id`, else its fullUrl, else its type. */
export function resourceName(e: Entry): string {
  const name = typedId(e) ?? e.fullUrl;
  return name === undefined ? e.type : shown(name, 60);
}

/** Evidence kinds by resource type, for resources left out whole. */
const KIND: Record<string, EvidenceKind> = {
  Encounter: 'encounter',
  Condition: 'diagnosis',
  Observation: 'lab',
  Procedure: 'service',
  Claim: 'service',
  ExplanationOfBenefit: 'service',
  ClaimResponse: 'service',
  ChargeItem: 'service',
  MedicationAdministration: 'medication',
  MedicationRequest: 'medication',
  MedicationStatement: 'medication',
  MedicationDispense: 'medication',
  DocumentReference: 'note',
  DiagnosticReport: 'note',
  Composition: 'note',
  ClinicalImpression: 'note',
  Patient: 'patient',
};

export function kindOf(e: Entry): EvidenceKind {
  return ownValue(KIND, e.type) ?? 'encounter'; // a resource type is chart text: "constructor" is none of these
}

/** A resource left out whole, named in messages by `Type/id`. */
export function leftOutResource(e: Entry, detail?: string, code?: string): LeftOutItem {
  const item: LeftOutItem = {
    ptr: e.ptr,
    label: detail === undefined ? resourceName(e) : `${resourceName(e)} (${detail})`,
    kind: kindOf(e),
  };
  if (code !== undefined) item.code = code;
  return item;
}

/**
 * One finding for several things left out for one reason. `what` says it for one thing and for
 * several ("is not linted" / "are not linted"), the items follow: "<what>: <item>; <item>."
 */
export function reportLeftOut(
  p: ChartProblems,
  items: readonly LeftOutItem[],
  severity: Severity,
  what: (n: number) => string,
  hint = '',
): void {
  if (items.length === 0) return;
  // The first MAX_EVIDENCE, named and cited; the rest counted (12,000 Observations in one chart
  // made one finding of 67 MB).
  const listed = items.slice(0, MAX_EVIDENCE);
  const more = items.length - listed.length;
  const evidence: Evidence[] = listed.map((it) =>
    it.code === undefined ? { kind: it.kind, pointer: it.ptr } : { kind: it.kind, pointer: it.ptr, code: shown(it.code, 64) },
  );
  const f: UnlocatedFinding = {
    ruleId: ENGINE_RULES.chartFormat,
    severity,
    message: `${what(items.length)}: ${listed.map((it) => it.label).join('; ')}${more > 0 ? `; and ${grouped(more)} more` : ''}.${hint}`,
    pointer: items[0]!.ptr,
    evidence,
  };
  if (more > 0) f.moreEvidence = more;
  if (p.chartId !== undefined) f.chartId = p.chartId;
  p.findings.push(f);
}

/**
 * What a chart leaves out, gathered while it is built and reported when it is done: one finding
 * per reason (each reason a key with its severity and wording).
 */
export class LeftOut {
  private readonly groups = new Map<string, { severity: Severity; what: (n: number) => string; hint: string; items: LeftOutItem[] }>();
  /** Elements already reported (a Condition that a claim and its encounter both point to is reported once). */
  private readonly seen = new Set<string>();

  /** Resources read into the chart by some path (a Condition a claim points to), by pointer. */
  private readonly read = new Set<string>();

  markRead(e: Entry): void {
    this.read.add(e.ptr);
  }

  wasRead(e: Entry): boolean {
    return this.read.has(e.ptr);
  }

  add(reason: string, severity: Severity, what: (n: number) => string, item: LeftOutItem, hint = ''): void {
    if (this.seen.has(item.ptr)) return;
    this.seen.add(item.ptr);
    let g = this.groups.get(reason);
    if (!g) {
      g = { severity, what, hint, items: [] };
      this.groups.set(reason, g);
    }
    g.items.push(item);
  }

  report(p: ChartProblems): void {
    for (const g of this.groups.values()) reportLeftOut(p, g.items, g.severity, g.what, g.hint);
    this.groups.clear();
    this.seen.clear();
    this.read.clear();
  }
}

const STATUS_LEFT_OUT = (n: number): string => `${several(n, 'resource')} not linted, left out by ${n === 1 ? 'its' : 'their'} status`;

/** A resource that does not count by its status (entered in error, cancelled, not done). */
export function leftOutByStatus(entry: Entry, why: string, ctx: { leftOut: LeftOut }): void {
  ctx.leftOut.add('status', 'info', STATUS_LEFT_OUT, leftOutResource(entry, why));
}

/** "1 line" / "3 lines". */
export function several(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** A code as messages quote it. */
export function quoted(code: unknown): string {
  const t = text(code);
  return t === undefined ? '(no code)' : shown(t);
}

/**
 * The service lines a resource carries, if it is one that bills (undefined if it is not): a Claim's
 * or an ExplanationOfBenefit's lines (`item`), one for a Procedure coded in HCPCS or CPT, or one
 * for a MedicationAdministration the adapter bills (`billsDrug`: coded in HCPCS or CPT, or a drug
 * of the concept map by RxNorm code or name, in its `medicationCodeableConcept` or the Medication
 * its `medicationReference` names), as a service where no claim covers its encounter. Such a
 * resource that belongs to no chart is an error that counts its lines: a pre-billing gate must not
 * pass on lines it did not read.
 */
export function billedLines(type: string, resource: Obj, billsDrug: (administration: Obj) => boolean): number | undefined {
  if (type === 'Claim' || type === 'ExplanationOfBenefit') return isObj(resource.item) ? 1 : objects(resource.item).length;
  if (type === 'Procedure' || type === 'ChargeItem') return procedureCoding(resource.code) ? 1 : undefined;
  if (type === 'MedicationAdministration') return billsDrug(resource) ? 1 : undefined;
  return undefined;
}

const OUTSIDE = (n: number): string => `${several(n, 'resource')} not linted, belonging to no chart`;

/**
 * Why a resource of a chart's kind that belongs to no chart is an error although it bills nothing:
 * it names (or tries to name) a patient, whose chart is linted without it, and a finding that
 * rests on it (a note, a lab, a diagnosis) is not made.
 */
export const NO_CHART_HINT = " A resource about a patient that no chart holds is an error: its patient's chart is linted without it.";

/**
 * Resources of a chart's kind that belong to no chart, each with why and with its service lines
 * if it bills. An error when it bills, or when its subject names (or tries to name) a patient: no
 * subject, an identifier that no Patient or several hold, a contained Patient it does not contain.
 * A warning only when its subject says it is about something else (a Group, a Location).
 */
export function reportOutside(
  leftOut: LeftOut,
  outside: readonly { entry: Entry; why: string; notPatient?: true }[],
  billsDrug: (entry: Entry) => boolean,
): void {
  const lines = outside.map((o) => billedLines(o.entry.type, o.entry.resource, () => billsDrug(o.entry)));
  const unread = lines.reduce<number>((n, k) => n + (k ?? 0), 0);
  const billedOutside = (n: number): string => `${OUTSIDE(n)}, with ${several(unread, 'service line')} not read`;
  outside.forEach((o, i) => {
    const k = lines[i];
    if (k !== undefined)
      leftOut.add('outside-billed', 'error', billedOutside, leftOutResource(o.entry, `${o.why}; ${several(k, 'service line')}`));
    else if (o.notPatient) leftOut.add('outside', 'warning', OUTSIDE, leftOutResource(o.entry, o.why));
    else leftOut.add('outside-patient', 'error', OUTSIDE, leftOutResource(o.entry, o.why), NO_CHART_HINT);
  });
}
