/**
 * Claims and ExplanationOfBenefits, as EHRs and CMS's claims APIs (Blue Button 2.0, BCDA, AB2D,
 * DPC; CARIN Blue Button shapes) write them, R4 and STU3 alike.
 *
 * - `diagnosis[]` (a code, or a reference to a Condition) are the coded diagnoses of the encounters
 *   the items reference: the one typed `principal` first, then by `sequence` (which may start at
 *   0). A diagnosis coded only in ICD-9-CM is left out, with a finding.
 * - Each item (`productOrService`, STU3 `service`) coded in HCPCS or CPT is a service: `quantity`
 *   the units, `servicedDate` or `servicedPeriod` the date, `diagnosisSequence` (STU3
 *   `diagnosisLinkId`) the diagnosis pointers. Every other item is left out with a finding that
 *   names its line, code and system: `info` for a system that is not for billed procedures
 *   (SNOMED CT, NDC, revenue codes), `warning` for a system b12lint does not know or no code.
 * - A claim that references no encounter becomes an encounter of its own, dated by its
 *   `billablePeriod` (else its lines' dates, else `created`), inpatient when its type says so
 *   (Blue Button INPATIENT, SNF; CARIN inpatient), else in the setting of its lines' place of
 *   service (21 inpatient hospital, 23 emergency room, 02 and 10 telehealth).
 * - An ExplanationOfBenefit whose `claim` is in the input adds nothing (it adjudicates that Claim,
 *   whose lines are read), except a line the Claim does not have, which is reported. A
 *   ClaimResponse adds nothing either: its items name lines by number only.
 * - A claim's `procedure` list (ICD-10-PCS on inpatient claims) is not its billed lines: reported.
 * - A claim that is cancelled, entered in error, or not a claim (`use` preauthorization,
 *   predetermination) is left out by its status, with a finding.
 */
import type { Diagnosis, Service, Setting } from '../model.js';
import { normalizeProcedureCode, procedureCodeOf } from '../normalize.js';
import { codedDiagnosis, type DiagnosisDraft } from './condition.js';
import { follow, type Context } from './context.js';
import { icd9Only, ICD9_LEFT_OUT, readCondition } from './diagnoses.js';
import { placeDiagnosis, type EncounterDraft, type Encounters } from './encounter.js';
import { leftOutByStatus, quoted, reportLeftOut, resourceName, several, type LeftOutItem } from './left-out.js';
import { codings, fhirDay, firstDay, lineCode, looksLikeProcedureCode, systemLabel, type FhirDay } from './systems.js';
import { isObj, list, objects, text, type Entry, type Obj } from './types.js';
import { ownValue } from '../../core/own.js';
import { grouped } from '../../core/numbers.js';

const IGNORED_STATUS = new Set(['entered-in-error', 'cancelled']);

/** `use` of a billed claim: R4 `claim`, STU3 `complete`; a claim without `use` is read as billed. */
const BILLED_USE = new Set(['claim', 'complete']);

/** Why a claim does not count, if it does not. */
function notCounted(e: Entry): string | undefined {
  const r = e.resource;
  const status = text(r.status);
  if (status !== undefined && IGNORED_STATUS.has(status)) return status;
  const use = text(r.use);
  if (use !== undefined && !BILLED_USE.has(use)) return `use ${quoted(use)}: not a billed claim`;
  return undefined;
}

export function applyClaims(entries: readonly Entry[], encounters: Encounters, ctx: Context): void {
  // Claims whose lines are not read, and the ExplanationOfBenefits of Claims in the input: those
  // are checked once every Claim is applied, so that they can tell which lines were read.
  const notRead = new Set<Entry>();
  const adjudications: [Entry, Entry][] = [];
  for (const e of entries) {
    const why = notCounted(e);
    if (why !== undefined) {
      const lines = objects(e.resource.item).length;
      leftOutByStatus(e, lines ? `${why}; ${lines} line${lines === 1 ? '' : 's'}` : why, ctx);
      notRead.add(e);
      continue;
    }
    if (e.type === 'ClaimResponse') {
      applyResponse(e, ctx);
      continue;
    }
    const claim = e.type === 'ExplanationOfBenefit' ? ctx.index.resolve(e.resource.claim, e) : undefined;
    if (claim?.type === 'Claim') adjudications.push([e, claim]);
    else if (!applyClaim(e, encounters, ctx)) notRead.add(e);
  }
  for (const [eob, claim] of adjudications) checkAdjudicated(eob, claim, ctx, notRead.has(claim));
}

/** The items of a claim: STU3 names the code `service` and the pointers `diagnosisLinkId`. */
interface Item {
  item: Obj;
  k: number;
  ptr: string;
  /** "line 2": the claim's own numbering (`sequence`), else the position. */
  line: string;
  concept: unknown;
  pointers?: { values: unknown[]; field: string };
}

function itemsOf(entry: Entry, field = 'item'): Item[] {
  return objects(entry.resource[field]).map(([item, k]) => {
    const seq = typeof item.sequence === 'number' ? item.sequence : typeof item.itemSequence === 'number' ? item.itemSequence : undefined;
    const it: Item = {
      item,
      k,
      ptr: `${entry.ptr}/${field}/${k}`,
      line: `line ${seq ?? k + 1}`,
      concept: item.productOrService ?? item.service,
    };
    for (const pf of ['diagnosisSequence', 'diagnosisLinkId']) {
      if (Array.isArray(item[pf])) {
        it.pointers = { values: item[pf] as unknown[], field: pf };
        break;
      }
    }
    return it;
  });
}

/** What a message says of an item's code: "J3420 in HCPCS". */
function codeLabel(it: Item): { label: string; code?: string } {
  const lc = lineCode(it.concept);
  if (lc.kind === 'none') {
    // An institutional line may code only its details (a drug's NDC).
    const details = objects(it.item.detail).flatMap(([d]) => codings(d.productOrService ?? d.service).slice(0, 1));
    const coded = details.length
      ? ` (only its detail is coded: ${details.map((c) => `${quoted(c.code)} in ${systemLabel(c)}`).join(', ')})`
      : ' (no code)';
    return { label: `${it.line}${coded}` };
  }
  const c = lc.coding;
  if (c.name === 'data-absent') return { label: `${it.line} (no procedure code: ${systemLabel(c)} ${quoted(c.code)})` };
  return { label: `${it.line} (${quoted(c.code)} in ${systemLabel(c)})`, code: c.code };
}

function leftOutLine(it: Item): LeftOutItem {
  const { label, code } = codeLabel(it);
  return code === undefined ? { ptr: it.ptr, label, kind: 'service' } : { ptr: it.ptr, label, kind: 'service', code };
}

const NOT_PROCEDURE = (n: number): string => `${several(n, 'line')} not linted, not coded in HCPCS or CPT`;
const UNKNOWN_SYSTEM = (n: number): string =>
  `${several(n, 'line')} not linted, coded in a system b12lint does not know (not HCPCS or CPT)`;
const NO_CODE = (n: number): string => `${several(n, 'line')} not linted, with no procedure code`;

/** Reports the lines of a claim that are not services, one finding per reason. */
function reportLines(lines: { other: Item[]; unknown: Item[]; none: Item[] }, ctx: Context): void {
  reportLeftOut(ctx.p, lines.other.map(leftOutLine), 'info', NOT_PROCEDURE);
  const shaped = lines.unknown.some((it) => {
    const lc = lineCode(it.concept);
    return lc.kind === 'unknown' && looksLikeProcedureCode(lc.coding.code);
  });
  const hint = shaped
    ? ' If a code is HCPCS or CPT, export it under https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets or http://www.ama-assn.org/go/cpt.'
    : '';
  reportLeftOut(ctx.p, lines.unknown.map(leftOutLine), 'warning', UNKNOWN_SYSTEM, hint);
  reportLeftOut(ctx.p, lines.none.map(leftOutLine), 'warning', NO_CODE);
}

interface ClaimDiagnosis {
  sequence?: number;
  principal: boolean;
  draft: DiagnosisDraft;
}

function sequenceOf(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  return typeof v === 'string' && /^\d{1,9}$/.test(v.trim()) ? Number(v) : undefined;
}

function isPrincipal(d: Obj): boolean {
  return list(d.type).some((t) => codings(t).some((c) => c.code.toLowerCase() === 'principal'));
}

function claimDiagnoses(entry: Entry, ctx: Context): { diagnoses: ClaimDiagnosis[]; dropped: Set<number> } {
  const diagnoses: ClaimDiagnosis[] = [];
  const dropped = new Set<number>();
  const icd9: LeftOutItem[] = [];
  for (const [d, i] of objects(entry.resource.diagnosis)) {
    const ptr = `${entry.ptr}/diagnosis/${i}`;
    const sequence = sequenceOf(d.sequence);
    const name = `diagnosis ${sequence ?? i + 1}`;
    let draft: DiagnosisDraft | undefined;
    if (d.diagnosisReference !== undefined) {
      const condition = follow(
        ctx,
        d.diagnosisReference,
        entry,
        `${ptr}/diagnosisReference`,
        'Condition',
        'the diagnosis is left out of the claim',
      );
      draft = condition ? readCondition(condition, ctx) : undefined;
    } else {
      const nine = icd9Only(d.diagnosisCodeableConcept);
      if (nine) icd9.push({ ptr, label: `${name} (${quoted(nine.code)})`, kind: 'diagnosis', code: nine.code });
      else {
        draft = codedDiagnosis(d.diagnosisCodeableConcept, ptr, ctx.map);
        if (!draft)
          ctx.p.add(ptr, 'Claim diagnosis has neither a coded `diagnosisCodeableConcept` nor a `diagnosisReference`: it is left out.');
      }
    }
    if (draft) diagnoses.push({ ...(sequence === undefined ? {} : { sequence }), principal: isPrincipal(d), draft });
    else if (sequence !== undefined) dropped.add(sequence);
  }
  reportLeftOut(ctx.p, icd9, 'info', ICD9_LEFT_OUT);
  // The principal diagnosis is listed first, whatever its sequence (an institutional claim numbers
  // its admitting diagnosis first); the others follow by sequence.
  diagnoses.sort((a, b) => Number(b.principal) - Number(a.principal) || (a.sequence ?? Infinity) - (b.sequence ?? Infinity));
  return { diagnoses, dropped };
}

/** The first day of a claim: its billable period, else the first of its lines' dates, else `created`. */
function claimDay(r: Obj): FhirDay | undefined {
  const billable = firstDay(r, ['billablePeriod.start', 'billablePeriod.end']);
  if (billable) return billable;
  for (const [item] of objects(r.item)) {
    const d = lineDay(item);
    if (d) return d;
  }
  return fhirDay(r.created);
}

function lineDay(item: Obj): FhirDay | undefined {
  return firstDay(item, ['servicedDate', 'servicedPeriod.start', 'servicedPeriod.end']);
}

/** Claim types that are inpatient stays, by the code of `type` or `subType` (Blue Button eob-type, CARIN). */
const INPATIENT_TYPES = new Set(['inpatient', 'snf', 'inpatient-facility']);

/** Settings by place of service (CMS place-of-service codes, on each line). */
const SETTING_BY_PLACE: Record<string, Setting> = {
  '21': 'inpatient',
  '51': 'inpatient',
  '61': 'inpatient',
  '23': 'emergency',
  '02': 'telehealth',
  '10': 'telehealth',
};

/**
 * Modifiers that say a line was given remotely (CPT 95 synchronous telemedicine and 93 audio-only;
 * HCPCS GT, GQ and FQ).
 */
const REMOTE_MODIFIERS = new Set(['95', '93', 'GT', 'GQ', 'FQ']);

/**
 * A claim line billed as remote (place of service 02 or 10, or a telehealth modifier) on an
 * encounter whose class says an office visit: the claim is what is billed, so the encounter is
 * read as a telehealth visit, with an info that says why (the coder sees the export disagree with
 * itself; the rules then judge an injection billed remotely).
 */
function remoteLine(it: Item, enc: EncounterDraft, ctx: Context): void {
  if (enc.setting !== 'outpatient') return;
  const place = placeOf(it.item);
  let why: string | undefined;
  let at = '';
  if (place?.setting === 'telehealth') {
    why = `place of service ${place.code}`;
    at = `${it.ptr}/locationCodeableConcept`;
  } else {
    for (const [j, m] of list(it.item.modifier).entries()) {
      const hit = codings(m).find((c) => REMOTE_MODIFIERS.has(c.code.toUpperCase()));
      if (hit) {
        why = `modifier ${quoted(hit.code.toUpperCase())}`;
        at = `${it.ptr}/modifier/${j}`;
        break;
      }
    }
  }
  if (why === undefined) return;
  enc.setting = 'telehealth';
  ctx.p.add(
    at,
    `The claim bills this line as remote (${why}) on encounter ${quoted(enc.id)}, whose class says an office visit: the encounter is read as a telehealth visit.`,
    'info',
  );
}

/** A line's place of service (CMS code, two digits) and the setting it names, if the table has it. */
function placeOf(item: Obj): { code: string; setting: Setting | undefined } | undefined {
  const place = codings(item.locationCodeableConcept).find((c) => c.name === 'place-of-service');
  if (!place) return undefined;
  // A place-of-service code is chart text: only the table's own keys ("constructor" is no place).
  const code = place.code.padStart(2, '0');
  return { code, setting: ownValue(SETTING_BY_PLACE, code) };
}

/** The setting of the encounter made from a claim that references none. */
function claimSetting(r: Obj): Setting {
  const types = [r.type, ...list(r.subType), r.subType].flatMap((t) => codings(t)).map((c) => c.code.toLowerCase());
  if (types.some((t) => INPATIENT_TYPES.has(t))) return 'inpatient';
  for (const [item] of objects(r.item)) {
    const place = placeOf(item);
    if (place) return place.setting ?? 'outpatient';
  }
  return 'outpatient';
}

/** The most diagnoses one claim may place (its diagnoses times the encounters its lines reference). */
export const MAX_CLAIM_PLACEMENTS = 25_000;

/** Reads a claim into the chart; false when it is left out (reported). */
function applyClaim(entry: Entry, encounters: Encounters, ctx: Context): boolean {
  const { diagnoses, dropped } = claimDiagnoses(entry, ctx);
  const items = itemsOf(entry);
  // The encounter of each item: the first of its references that resolves.
  const itemEncounter = new Map<number, EncounterDraft>();
  for (const { item, k } of items) {
    for (const [j, ref] of list(item.encounter).entries()) {
      const enc = encounters.find(
        ref,
        entry,
        `${entry.ptr}/item/${k}/encounter/${j}`,
        'the line goes to another encounter of the claim (or one made from the claim)',
      );
      if (enc) {
        itemEncounter.set(k, enc);
        break;
      }
    }
  }
  const encs = [...new Set(itemEncounter.values())];
  if (tooManyPlaced(entry, diagnoses.length, encs.length, items.length, ctx)) return false;
  if (encs.length === 0) {
    const day = claimDay(entry.resource);
    if (!day) {
      const lines = items.length ? `, with its ${items.length === 1 ? 'line' : `${items.length} lines`} and diagnoses` : '';
      ctx.p.add(
        entry.ptr,
        `${entry.type} references no encounter and has no billablePeriod, servicedDate or created date: it cannot be placed in time and is left out${lines}.`,
      );
      return false;
    }
    encs.push(encounters.standIn(entry, day, claimSetting(entry.resource)));
  }
  const bySequence = placeClaimDiagnoses(diagnoses, encs);
  const left = { other: [] as Item[], unknown: [] as Item[], none: [] as Item[] };
  for (const it of items) {
    const lc = lineCode(it.concept);
    if (lc.kind !== 'procedure') {
      left[lc.kind].push(it);
      continue;
    }
    const enc = itemEncounter.get(it.k) ?? encs[0]!;
    remoteLine(it, enc, ctx);
    const day = lineDay(it.item) ?? { day: enc.date, text: enc.dateText };
    const read = procedureCodeOf(lc.coding.code);
    // At the line's code (the line itself stays a service: it is named once, as a service).
    const at = `${it.ptr}/${it.item.productOrService !== undefined ? 'productOrService' : 'service'}`;
    if (read.problem) ctx.p.add(at, read.problem.message(`"${quoted(lc.coding.code)}"`), read.problem.severity);
    const svc: Service = {
      code: read.code,
      codeText: lc.coding.code,
      units: lineUnits(it.item, it.ptr, ctx),
      date: day.day,
      dateText: day.text,
      ptr: it.ptr,
    };
    if (it.pointers) {
      const seq = bySequence.get(enc)!;
      svc.linked = [];
      it.pointers.values.forEach((s, m) => {
        const n = sequenceOf(s);
        const d = n === undefined ? undefined : seq.get(n);
        if (d) svc.linked!.push(d);
        else if (!(n !== undefined && dropped.has(n))) {
          ctx.p.add(
            `${it.ptr}/${it.pointers!.field}/${m}`,
            `Diagnosis sequence ${shortValue(s)} is not among this claim's diagnoses (${sequencesText(seq)}).`,
          );
        }
      });
    }
    enc.services.push(svc);
  }
  reportLines(left, ctx);
  const added = itemsOf(entry, 'addItem').map((it) => ({ ...leftOutLine(it), label: codeLabel(it).label.replace(/^line/, 'added line') }));
  reportLeftOut(ctx.p, added, 'info', (n) => `${several(n, 'line')} added by the payer not linted (b12lint lints the lines billed)`);
  reportProcedures(entry, ctx);
  return true;
}

/** The most diagnosis sequences a message names; the others are counted. */
const SEQUENCES_SHOWN = 10;

/**
 * A claim's diagnosis sequences for a message: the first few and how many more (a message per bad
 * pointer naming all of thousands of sequences made a 1 MB claim's report 378 MB).
 */
function sequencesText(seq: ReadonlyMap<number, unknown>): string {
  if (seq.size === 0) return 'none';
  const shown: number[] = [];
  for (const k of seq.keys()) {
    if (shown.length === SEQUENCES_SHOWN) break;
    shown.push(k);
  }
  return seq.size > SEQUENCES_SHOWN ? `${shown.join(', ')} and ${seq.size - SEQUENCES_SHOWN} more` : shown.join(', ');
}

const CLAIM_PROCEDURES = (n: number): string =>
  `${several(n, 'claim procedure')} not linted (a claim's procedure codes are not its billed lines)`;

/** A claim's `procedure` list (an inpatient claim's ICD-10-PCS codes) is reported, not read. */
function reportProcedures(entry: Entry, ctx: Context): void {
  const items: LeftOutItem[] = [];
  for (const [pr, i] of objects(entry.resource.procedure)) {
    const name = `procedure ${sequenceOf(pr.sequence) ?? i + 1}`;
    const c = codings(pr.procedureCodeableConcept)[0];
    const ref = isObj(pr.procedureReference) ? text(pr.procedureReference.reference) : undefined;
    const label = c
      ? `${name} (${quoted(c.code)} in ${systemLabel(c)})`
      : ref !== undefined
        ? `${name} (${quoted(ref)})`
        : `${name} (no code)`;
    items.push(
      c
        ? { ptr: `${entry.ptr}/procedure/${i}`, label, kind: 'service', code: c.code }
        : { ptr: `${entry.ptr}/procedure/${i}`, label, kind: 'service' },
    );
  }
  reportLeftOut(ctx.p, items, 'info', CLAIM_PROCEDURES);
}

/** The code a line bills, as b12lint compares it (undefined when it has none). */
function billedCode(concept: unknown): string | undefined {
  const lc = lineCode(concept);
  return lc.kind === 'none' ? undefined : normalizeProcedureCode(lc.coding.code);
}

/**
 * An ExplanationOfBenefit of a Claim in the input: the Claim's lines are read. A line of the
 * ExplanationOfBenefit the Claim does not have (no line with its number and code) is reported.
 */
function checkAdjudicated(eob: Entry, claim: Entry, ctx: Context, claimNotRead: boolean): void {
  // The Claim's lines by number and code, once (each line of the EOB searched them all: 8,000 lines
  // took 18 s). A number is JSON: only a text or number can equal another, as with ===.
  const key = (seq: unknown, code: string | undefined): string | undefined =>
    typeof seq === 'number' || typeof seq === 'string'
      ? `${typeof seq}:${String(seq).length}:${String(seq)}${code === undefined ? '-' : `+${code}`}`
      : undefined;
  const claimed = new Set<string>();
  for (const c of itemsOf(claim)) {
    const k = key(c.item.sequence, billedCode(c.concept));
    if (k !== undefined) claimed.add(k);
  }
  const missing = itemsOf(eob).filter((it) => {
    const k = key(it.item.sequence, billedCode(it.concept));
    return k === undefined || !claimed.has(k);
  });
  reportLeftOut(ctx.p, missing.map(leftOutLine), 'warning', (n) =>
    // The lines that are the Claim's are the Claim's to report (read, or left out with it).
    claimNotRead
      ? `${several(n, 'line')} not linted: this ExplanationOfBenefit adjudicates ${resourceName(claim)}, which is left out, and ${n === 1 ? 'it is' : 'they are'} not among its lines`
      : `${several(n, 'line')} not linted: this ExplanationOfBenefit adjudicates ${resourceName(claim)}, whose lines are read, and ${n === 1 ? 'it is' : 'they are'} not among them`,
  );
}

/**
 * A ClaimResponse: its items answer the lines of its `request` Claim by number and carry no code.
 * When that Claim is in the input its lines are read; when it is not, nothing is there to lint,
 * and the finding says so (with the lines the payer added, `addItem`, which do carry codes).
 */
function applyResponse(e: Entry, ctx: Context): void {
  const request = ctx.index.resolve(e.resource.request, e);
  if (request?.type === 'Claim') return;
  const lines = [...itemsOf(e), ...itemsOf(e, 'addItem')].map((it): LeftOutItem => {
    if (it.concept === undefined) return { ptr: it.ptr, label: it.line, kind: 'service' };
    return { ...leftOutLine(it), label: codeLabel(it).label.replace(/^line/, 'added line') };
  });
  const claim = isObj(e.resource.request) ? text(e.resource.request.reference) : undefined;
  const whose =
    claim === undefined
      ? 'This ClaimResponse names no Claim'
      : `This ClaimResponse answers "${quoted(claim)}", which is not in this ${ctx.where}`;
  if (lines.length === 0) {
    ctx.p.add(e.ptr, `${whose}: the lines it adjudicates are on that Claim, so nothing here is linted.`, 'info');
    return;
  }
  reportLeftOut(
    ctx.p,
    lines,
    'info',
    (n) => `${several(n, 'line')} not linted: ${whose.replace(/^This/, 'this')}, and names the lines it adjudicates by number only`,
  );
}

/** A billed line's units (a claim's item, a ChargeItem): `quantity.value`, 1 when it has no quantity. */
export function lineUnits(line: Obj, ptr: string, ctx: Context, what = 'Item'): number {
  const q = line.quantity;
  if (q === undefined || q === null) return 1;
  const v = isObj(q) ? q.value : undefined;
  if (typeof v === 'number' && Number.isFinite(v) && v > 0) return v;
  ctx.p.add(`${ptr}/quantity`, `${what} quantity must have a positive \`value\`: the line is read as 1 unit.`, 'warning');
  return 1;
}

/** A value as a message shows it: a number or a short text as written, anything else by its kind (never a whole structure). */
function shortValue(v: unknown): string {
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return JSON.stringify(v.length > 30 ? `${v.slice(0, 30)}...` : v);
  if (Array.isArray(v)) return 'a list';
  return v === null ? 'null' : typeof v === 'object' ? 'a mapping' : String(v);
}

/**
 * Whether a claim would place too many diagnoses (its diagnoses on each encounter its lines
 * reference, or on the one made from it), reported so. A real claim has a few dozen at most on a
 * few encounters; a thousand on each of a thousand made a million diagnoses (7 s and 700 MB for a
 * 300 KB file, gigabytes before the chart was refused).
 */
function tooManyPlaced(entry: Entry, diagnoses: number, encs: number, lines: number, ctx: Context): boolean {
  if (diagnoses * Math.max(encs, 1) <= MAX_CLAIM_PLACEMENTS) return false;
  const n = (k: number): string => grouped(k);
  const what =
    encs > 1
      ? `puts its ${n(diagnoses)} diagnoses on each of the ${n(encs)} encounters its lines reference, more than the ${n(MAX_CLAIM_PLACEMENTS)} diagnoses`
      : `has ${n(diagnoses)} diagnoses, more than the ${n(MAX_CLAIM_PLACEMENTS)}`;
  const added = objects(entry.resource.addItem).length;
  const procedures = objects(entry.resource.procedure).length;
  const parts = [
    'diagnoses',
    ...(lines ? [several(lines, 'line')] : []),
    ...(added ? [several(added, 'added line')] : []),
    ...(procedures ? [several(procedures, 'procedure')] : []),
  ];
  const all = parts.length === 1 ? parts[0] : `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
  ctx.p.add(entry.ptr, `${entry.type} ${what} b12lint places from one claim: it is left out, with its ${all}.`);
  return true;
}

/** Each of the claim's diagnoses on each of its encounters, by sequence. */
function placeClaimDiagnoses(
  diagnoses: readonly { sequence?: number; draft: DiagnosisDraft }[],
  encs: readonly EncounterDraft[],
): Map<EncounterDraft, Map<number, Diagnosis>> {
  const bySequence = new Map<EncounterDraft, Map<number, Diagnosis>>();
  for (const enc of encs) {
    enc.claimed = true;
    const seq = new Map<number, Diagnosis>();
    for (const d of diagnoses) {
      const placed = placeDiagnosis(enc, d.draft);
      if (d.sequence !== undefined) seq.set(d.sequence, placed);
    }
    bySequence.set(enc, seq);
  }
  return bySequence;
}
