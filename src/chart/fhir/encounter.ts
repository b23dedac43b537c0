/**
 * Encounters from FHIR: `period.start` is the date, `class` the setting (AMB, and OBSENC, SS and
 * PRENC, outpatient; IMP, ACUTE, NONAC inpatient; EMER emergency; VR telehealth). A Claim that references no encounter
 * becomes an encounter of its own (`Claim/<id>`). Diagnoses are placed on an encounter once per
 * code; the rank is the place in the encounter's list.
 */
import type { Diagnosis, Encounter, Setting } from '../model.js';
import { MAX_SHOWN } from '../../core/shown.js';
import { tooLongId } from '../native.js';
import type { DiagnosisDraft } from './condition.js';
import { follow, type Context } from './context.js';
import { leftOutByStatus } from './left-out.js';
import { codings, fhirDay, type FhirDay } from './systems.js';
import { enteredInError, isObj, text, type Entry } from './types.js';

const SETTINGS: Record<string, Setting> = {
  AMB: 'outpatient',
  // A hospital's observation stay, short stay and pre-admission visit are outpatient services
  // (Medicare bills observation under Part B however long it lasts; a coder's review, rev32 P24).
  OBSENC: 'outpatient',
  SS: 'outpatient',
  PRENC: 'outpatient',
  IMP: 'inpatient',
  ACUTE: 'inpatient',
  NONAC: 'inpatient',
  EMER: 'emergency',
  VR: 'telehealth',
};

export interface EncounterDraft extends Omit<Encounter, 'index'> {
  /** True when a Claim or ExplanationOfBenefit covers it (its services come from the claim). */
  claimed: boolean;
}

function settingOf(entry: Entry, ctx: Context): Setting {
  const raw = entry.resource.class;
  const code = codings(Array.isArray(raw) ? raw[0] : raw)[0]?.code;
  if (code === undefined) return 'outpatient';
  const setting = SETTINGS[code.toUpperCase()];
  if (setting) return setting;
  ctx.p.add(
    `${entry.ptr}/class`,
    `Encounter class "${code}" is none of AMB, OBSENC, SS, PRENC, IMP, ACUTE, NONAC, EMER, VR: the encounter is read as outpatient.`,
    'warning',
  );
  return 'outpatient';
}

/** The encounters of one chart, found by the references that point at them. */
export class Encounters {
  readonly list: EncounterDraft[] = [];
  private readonly byEntry = new Map<Entry, EncounterDraft>();
  /** The encounters of each day, counted as they are added (onDay is asked for every document and claim). */
  private readonly byDay = new Map<number, { first: EncounterDraft; count: number }>();
  /** Encounters left out (reported once): references to them are not reported again. */
  private readonly dropped = new Set<Entry>();

  constructor(private readonly ctx: Context) {}

  add(entry: Entry): void {
    if (enteredInError(entry.resource)) {
      leftOutByStatus(entry, 'entered-in-error', this.ctx);
      this.dropped.add(entry);
      return;
    }
    const id = text(entry.resource.id) ?? entry.fullUrl;
    const period = entry.resource.period;
    const day = fhirDay(isObj(period) ? period.start : undefined);
    if (id !== undefined && id.length > MAX_SHOWN) {
      this.ctx.p.add(`${entry.ptr}/id`, tooLongId('Encounter id', id, 'the encounter is left out, with what points to it'));
      this.dropped.add(entry);
      return;
    }
    if (id === undefined || !day) {
      this.ctx.p.add(
        entry.ptr,
        `Encounter has no ${id === undefined ? 'id' : 'full date in `period.start`'}: it cannot be placed in time and is left out, with what points to it.`,
      );
      this.dropped.add(entry);
      return;
    }
    this.push(entry, {
      id,
      date: day.day,
      dateText: day.text,
      setting: settingOf(entry, this.ctx),
      diagnoses: [],
      services: [],
      notes: [],
      ptr: entry.ptr,
      claimed: false,
    });
  }

  /** An encounter standing for a resource that references none (a Claim without encounters). */
  standIn(entry: Entry, day: FhirDay, setting: Setting = 'outpatient'): EncounterDraft {
    const existing = this.byEntry.get(entry);
    if (existing) return existing;
    const id = `${entry.type}/${text(entry.resource.id) ?? entry.ptr}`;
    return this.push(entry, {
      id,
      date: day.day,
      dateText: day.text,
      setting,
      diagnoses: [],
      services: [],
      notes: [],
      ptr: entry.ptr,
      claimed: false,
    });
  }

  /** The encounter a Reference points to; one that does not resolve is reported at `ptr`. */
  find(ref: unknown, from: Entry, ptr: string, consequence: string): EncounterDraft | undefined {
    const target = follow(this.ctx, ref, from, ptr, 'Encounter', consequence);
    if (!target || this.dropped.has(target)) return undefined;
    const enc = this.byEntry.get(target);
    if (!enc) this.ctx.p.add(ptr, `The encounter this points to belongs to another patient; ${consequence}.`);
    return enc;
  }

  /** The only encounter on a day, if exactly one is. */
  onDay(day: number): EncounterDraft | undefined {
    const on = this.byDay.get(day);
    return on?.count === 1 ? on.first : undefined;
  }

  /** How many encounters are on a day. */
  onDayCount(day: number): number {
    return this.byDay.get(day)?.count ?? 0;
  }

  /** The chart's encounters, in date order (the order of the source on the same day). */
  finish(): Encounter[] {
    const sorted = this.list.map((e, i) => ({ e, i })).sort((a, b) => a.e.date - b.e.date || a.i - b.i);
    return sorted.map(({ e }, index) => {
      const { claimed: _claimed, ...rest } = e;
      return { ...rest, index };
    });
  }

  private push(entry: Entry, draft: EncounterDraft): EncounterDraft {
    this.byEntry.set(entry, draft);
    this.list.push(draft);
    const on = this.byDay.get(draft.date);
    if (on) on.count++;
    else this.byDay.set(draft.date, { first: draft, count: 1 });
    return draft;
  }
}

/**
 * An encounter's diagnoses by system and code, kept as they are placed (placeDiagnosis is the only
 * place that adds one): each new one was looked for among all those before it (40,000 Conditions
 * on one encounter took 45 s).
 */
const PLACED = new WeakMap<EncounterDraft, Map<string, Diagnosis>>();

/** The encounter's index of diagnoses by system and code, made once it holds more than a few (most encounters are searched). */
function placedIndex(enc: EncounterDraft): Map<string, Diagnosis> | undefined {
  let placed = PLACED.get(enc);
  if (placed || enc.diagnoses.length <= 16) return placed;
  placed = new Map();
  for (const d of enc.diagnoses) {
    const k = placedKey(d.system, d.code);
    if (!placed.has(k)) placed.set(k, d);
  }
  PLACED.set(enc, placed);
  return placed;
}

/** The diagnosis already on an encounter with the draft's system and code, if one is. */
export function placedDiagnosis(enc: EncounterDraft, draft: Pick<DiagnosisDraft, 'code' | 'system'>): Diagnosis | undefined {
  const placed = placedIndex(enc);
  if (!placed) return enc.diagnoses.find((d) => d.code === draft.code && d.system === draft.system);
  return placed.get(placedKey(draft.system, draft.code));
}

/** Places a diagnosis on an encounter, or returns the one already there with the same code. */
export function placeDiagnosis(enc: EncounterDraft, draft: DiagnosisDraft): Diagnosis {
  const same = placedDiagnosis(enc, draft);
  if (same) return same;
  const d = place(enc, draft);
  PLACED.get(enc)?.set(placedKey(draft.system, draft.code), d);
  return d;
}

function place(enc: EncounterDraft, draft: DiagnosisDraft): Diagnosis {
  const { abated, ...rest } = draft;
  const d: Diagnosis = { ...rest, rank: enc.diagnoses.length + 1 };
  // A condition that had abated by the encounter's date was no longer present there.
  if (abated !== undefined && abated <= enc.date) d.status = 'history';
  enc.diagnoses.push(d);
  return d;
}

/** A diagnosis's system and code as one key: the system's length first, so no text can make two keys one. */
function placedKey(system: string | undefined, code: string): string {
  return system === undefined ? `-:${code}` : `${system.length}:${system}${code}`;
}
