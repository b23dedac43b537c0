/**
 * Claims and ExplanationOfBenefits: `diagnosis[]` (ordered by `sequence`; a code, or a reference
 * to a Condition) are the coded diagnoses of the encounters the items reference; each item coded
 * in HCPCS or CPT is a service (`quantity` as units, `servicedDate`, `diagnosisSequence` as its
 * diagnosis pointers). An ExplanationOfBenefit whose `claim` is in the input adds nothing: it
 * adjudicates that Claim. Items coded otherwise (SNOMED CT encounter types, as Synthea writes
 * them) are not billed lines b12lint can check, and are skipped.
 */
import type { Diagnosis, Service } from '../model.js';
import { normalizeProcedureCode } from '../normalize.js';
import { codedDiagnosis, conditionDiagnosis, type DiagnosisDraft } from './condition.js';
import { follow, type Context } from './context.js';
import { placeDiagnosis, type EncounterDraft, type Encounters } from './encounter.js';
import { fhirDay, firstDay, procedureCoding, type FhirDay } from './systems.js';
import { isObj, list, objects, type Entry, type Obj } from './types.js';

const IGNORED_STATUS = new Set(['entered-in-error', 'cancelled']);

function counts(e: Entry): boolean {
  const r = e.resource;
  return !IGNORED_STATUS.has(String(r.status)) && (r.use === undefined || r.use === 'claim');
}

export function applyClaims(entries: readonly Entry[], encounters: Encounters, ctx: Context): void {
  for (const e of entries) {
    if (!counts(e)) continue;
    if (e.type === 'Claim') applyClaim(e, encounters, ctx);
    else if (e.type === 'ExplanationOfBenefit' && ctx.index.resolve(e.resource.claim, e)?.type !== 'Claim') applyClaim(e, encounters, ctx);
  }
}

interface ClaimDiagnosis {
  sequence?: number;
  draft: DiagnosisDraft;
}

function claimDiagnoses(entry: Entry, ctx: Context): { diagnoses: ClaimDiagnosis[]; dropped: Set<number> } {
  const diagnoses: ClaimDiagnosis[] = [];
  const dropped = new Set<number>();
  for (const [d, i] of objects(entry.resource.diagnosis)) {
    const ptr = `${entry.ptr}/diagnosis/${i}`;
    const sequence = typeof d.sequence === 'number' ? d.sequence : undefined;
    let draft: DiagnosisDraft | undefined;
    if (d.diagnosisReference !== undefined) {
      const condition = follow(ctx, d.diagnosisReference, entry, `${ptr}/diagnosisReference`, 'Condition', 'the diagnosis is left out of the claim');
      draft = condition ? conditionDiagnosis(condition, ctx) : undefined;
    } else {
      draft = codedDiagnosis(d.diagnosisCodeableConcept, ptr, ctx.map);
      if (!draft) ctx.p.add(ptr, 'Claim diagnosis has neither a coded `diagnosisCodeableConcept` nor a `diagnosisReference`: it is left out.');
    }
    if (draft) diagnoses.push(sequence === undefined ? { draft } : { sequence, draft });
    else if (sequence !== undefined) dropped.add(sequence);
  }
  diagnoses.sort((a, b) => (a.sequence ?? Infinity) - (b.sequence ?? Infinity));
  return { diagnoses, dropped };
}

function claimDay(r: Obj): FhirDay | undefined {
  const item = objects(r.item)[0]?.[0];
  return firstDay(r, ['billablePeriod.start']) ?? (item ? firstDay(item, ['servicedDate', 'servicedPeriod.start']) : undefined) ?? fhirDay(r.created);
}

function applyClaim(entry: Entry, encounters: Encounters, ctx: Context): void {
  const { diagnoses, dropped } = claimDiagnoses(entry, ctx);
  const items = objects(entry.resource.item);
  // The encounter of each item: the first of its references that resolves.
  const itemEncounter = new Map<number, EncounterDraft>();
  for (const [item, k] of items) {
    for (const [j, ref] of list(item.encounter).entries()) {
      const enc = encounters.find(ref, entry, `${entry.ptr}/item/${k}/encounter/${j}`, 'the line goes to another encounter of the claim (or one made from the claim)');
      if (enc) {
        itemEncounter.set(k, enc);
        break;
      }
    }
  }
  const encs = [...new Set(itemEncounter.values())];
  if (encs.length === 0) {
    const day = claimDay(entry.resource);
    if (!day) {
      ctx.p.add(entry.ptr, `${entry.type} references no encounter and has no billablePeriod, servicedDate or created date: it cannot be placed in time and is left out.`);
      return;
    }
    encs.push(encounters.standIn(entry, day));
  }
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
  for (const [item, k] of items) {
    const ptr = `${entry.ptr}/item/${k}`;
    const coding = procedureCoding(item.productOrService);
    if (!coding) continue;
    const enc = itemEncounter.get(k) ?? encs[0]!;
    const day = firstDay(item, ['servicedDate', 'servicedPeriod.start']) ?? { day: enc.date, text: enc.dateText };
    const svc: Service = { code: normalizeProcedureCode(coding.code), codeText: coding.code, units: units(item, ptr, ctx), date: day.day, dateText: day.text, ptr };
    if (Array.isArray(item.diagnosisSequence)) {
      const seq = bySequence.get(enc)!;
      svc.linked = [];
      item.diagnosisSequence.forEach((s, m) => {
        const d = typeof s === 'number' ? seq.get(s) : undefined;
        if (d) svc.linked!.push(d);
        else if (!(typeof s === 'number' && dropped.has(s))) {
          ctx.p.add(`${ptr}/diagnosisSequence/${m}`, `Diagnosis sequence ${JSON.stringify(s)} is not among this claim's diagnoses (${[...seq.keys()].join(', ') || 'none'}).`);
        }
      });
    }
    enc.services.push(svc);
  }
}

function units(item: Obj, ptr: string, ctx: Context): number {
  const q = item.quantity;
  if (q === undefined || q === null) return 1;
  const v = isObj(q) ? q.value : undefined;
  if (typeof v === 'number' && Number.isFinite(v) && v > 0) return v;
  ctx.p.add(`${ptr}/quantity`, 'Item quantity must have a positive `value`: the line is read as 1 unit.', 'warning');
  return 1;
}
