/**
 * Labs from Observations: the LOINC code, `valueQuantity` (with its comparator and UCUM unit),
 * `valueString` ("<50", "142 pg/mL"), `valueInteger`, the first `referenceRange`, the
 * `interpretation` flag and `effectiveDateTime`. A panel's components are results of their own.
 * An Observation with no value (a panel header, `dataAbsentReason`) is not a result, and is
 * reported as left out; so is one cancelled or entered in error.
 */
import { parseLabValue } from '../lab-value.js';
import type { Lab } from '../model.js';
import { follow, type Context } from './context.js';
import { leftOutByStatus, leftOutResource, quoted, several } from './left-out.js';
import { codingIn, codings, conceptText, firstDay, quantityUnit, shown, type FhirDay } from './systems.js';
import { enteredInError, isObj, list, objects, type Entry, type Obj } from './types.js';

const INTERPRETATION: Record<string, Lab['interpretation']> = {
  L: 'low',
  LL: 'low',
  LU: 'low',
  H: 'high',
  HH: 'high',
  HU: 'high',
  N: 'normal',
};

const COMPARATORS = new Set(['<', '<=', '>', '>=']);

/**
 * The first reference range's numeric bounds, if it has either. As in a native chart, a bound
 * written but not a number, or a low above its high, is a warning and the range is not read: its
 * other bound alone, or both swapped, would make a low result "within its range".
 */
function referenceRange(o: Obj, ptr: string, ctx: Context): Lab['referenceRange'] {
  const first = objects(o.referenceRange)[0];
  if (!first) return undefined;
  const [range, i] = first;
  const rptr = `${ptr}/referenceRange/${i}`;
  const rr: NonNullable<Lab['referenceRange']> = {};
  for (const k of ['low', 'high'] as const) {
    const q = range[k];
    if (q === undefined || q === null) continue;
    const v = isObj(q) ? q.value : q;
    if (typeof v === 'number' && Number.isFinite(v)) rr[k] = v;
    else if (v !== undefined && v !== null) {
      ctx.p.add(`${rptr}/${k}`, `Reference range \`${k}\` must be a Quantity with a numeric value: the range is not read.`, 'warning');
      return undefined;
    }
  }
  if (rr.low !== undefined && rr.high !== undefined && rr.low > rr.high) {
    ctx.p.add(rptr, `Reference range has its low (${rr.low}) above its high (${rr.high}): the range is not read.`, 'warning');
    return undefined;
  }
  return rr.low !== undefined || rr.high !== undefined ? rr : undefined;
}

/** One result: the Observation itself or one of its components. */
function result(o: Obj, ptr: string, day: FhirDay | undefined, ctx: Context): Lab | undefined {
  const loinc = codingIn(o.code, ['loinc'])?.code;
  const test = conceptText(o.code);
  if (loinc === undefined && test === undefined) return undefined;
  const lab: Lab = { valueText: '', ptr };
  if (isObj(o.valueQuantity) && typeof o.valueQuantity.value === 'number') {
    const q = o.valueQuantity;
    const cmp = typeof q.comparator === 'string' && COMPARATORS.has(q.comparator) ? (q.comparator as Lab['comparator']) : undefined;
    lab.value = q.value as number;
    lab.valueText = `${cmp ?? ''}${String(q.value)}`;
    if (cmp) lab.comparator = cmp;
    const unit = quantityUnit(q);
    if (unit !== undefined) lab.unit = unit;
  } else if (typeof o.valueString === 'string' || typeof o.valueInteger === 'number') {
    const raw = (o.valueString ?? o.valueInteger) as string | number;
    const parsed = parseLabValue(raw);
    lab.valueText = String(raw);
    if (parsed.value !== undefined) lab.value = parsed.value;
    if (parsed.comparator) lab.comparator = parsed.comparator;
    if (parsed.unit) lab.unit = parsed.unit;
    if (parsed.flag) lab.interpretation = parsed.flag;
  } else if (o.valueCodeableConcept !== undefined) {
    lab.valueText = conceptText(o.valueCodeableConcept) ?? '';
  } else {
    return undefined;
  }
  if (loinc !== undefined) lab.loinc = loinc;
  if (test !== undefined) lab.test = test;
  if (day) {
    lab.date = day.day;
    lab.dateText = day.text;
  }
  const rr = referenceRange(o, ptr, ctx);
  if (rr) lab.referenceRange = rr;
  const flag = list(o.interpretation)
    .flatMap((c) => codings(c))
    .map((c) => INTERPRETATION[c.code.toUpperCase()])
    .find((f) => f);
  if (flag) lab.interpretation = flag;
  return lab;
}

const DATE_FIELDS = ['effectiveDateTime', 'effectivePeriod.start', 'effectiveInstant', 'issued'];

/** The date of the DiagnosticReport that lists each Observation among its results. */
function reportDays(reports: readonly Entry[], ctx: Context): Map<Entry, FhirDay> {
  const days = new Map<Entry, FhirDay>();
  for (const report of reports) {
    const day = firstDay(report.resource, DATE_FIELDS);
    list(report.resource.result).forEach((ref, i) => {
      const obs = follow(ctx, ref, report, `${report.ptr}/result/${i}`, 'Observation', 'the result is not among the labs', 'warning');
      if (obs && day && !days.has(obs)) days.set(obs, day);
    });
  }
  return days;
}

const NOT_LABS = (n: number): string => `${several(n, 'Observation')} not read as ${n === 1 ? 'a lab' : 'labs'}`;

/** Why an Observation gave no lab: it has no code or name, or no value. */
function whyNoLab(r: Obj): string {
  if (codingIn(r.code, ['loinc']) === undefined && conceptText(r.code) === undefined) return 'no LOINC code or name';
  const absent = conceptText(r.dataAbsentReason) ?? codings(r.dataAbsentReason)[0]?.code;
  return absent === undefined ? 'no value' : `no value: ${shown(absent)}`;
}

/** The date of the resource that contains an Observation (a claim carries its lines' results). */
function containerDay(e: Entry): FhirDay | undefined {
  return e.container ? firstDay(e.container.resource, [...DATE_FIELDS, 'billablePeriod.start', 'period.start', 'created']) : undefined;
}

/**
 * Labs from Observations; one without a date of its own takes the date of the report that lists
 * it, else of the resource that contains it. An Observation that gives no lab is reported.
 */
export function labsOf(entries: readonly Entry[], reports: readonly Entry[], ctx: Context): Lab[] {
  const out: Lab[] = [];
  const fromReports = reportDays(reports, ctx);
  for (const entry of entries) {
    const r = entry.resource;
    if (enteredInError(r) || r.status === 'cancelled') {
      leftOutByStatus(entry, String(r.status), ctx);
      continue;
    }
    const day = firstDay(r, DATE_FIELDS) ?? fromReports.get(entry) ?? containerDay(entry);
    const before = out.length;
    const own = result(r, entry.ptr, day, ctx);
    if (own) out.push(own);
    for (const [c, i] of objects(r.component)) {
      const lab = result(c, `${entry.ptr}/component/${i}`, day, ctx);
      if (lab) out.push(lab);
    }
    if (out.length === before) {
      // A panel that only groups its members (`hasMember`) holds nothing of its own: its members are read.
      if (objects(r.hasMember).length > 0) continue;
      const c = codingIn(r.code, ['loinc']) ?? codings(r.code)[0];
      ctx.leftOut.add(
        'observation',
        'info',
        NOT_LABS,
        leftOutResource(entry, c ? `${quoted(c.code)}: ${whyNoLab(r)}` : whyNoLab(r), c?.code),
      );
    } else if (!day) {
      ctx.p.add(entry.ptr, 'Observation has no effective date: rules that look at when a result was taken skip it.', 'warning');
    }
  }
  return out;
}
