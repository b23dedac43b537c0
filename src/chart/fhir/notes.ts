/**
 * Notes from FHIR: DocumentReference attachments and DiagnosticReport `presentedForm` (text/plain
 * or HTML, inline base64 `data`; an attachment given only by `url` is not fetched: nothing leaves
 * the machine), and Composition sections (their XHTML narrative as text). A note goes to the
 * encounter it references, else to the encounter of its date when exactly one is on that day.
 * The section (assessment, plan, ...) comes from the LOINC document or section code, else the title.
 */
import type { Note, NoteSection } from '../model.js';
import type { Encounters } from './encounter.js';
import { codingIn, firstDay } from './systems.js';
import { enteredInError, isObj, list, objects, text, type Entry, type Obj } from './types.js';

const SECTION_BY_LOINC: Record<string, NoteSection> = {
  '51848-0': 'assessment', // Assessment (evaluation) note
  '51847-2': 'assessment', // Evaluation + Plan note
  '18776-5': 'plan', // Plan of care note
  '10164-2': 'hpi', // History of present illness
  '10187-3': 'ros', // Review of systems
  '29545-1': 'exam', // Physical findings
};

const SECTION_BY_TITLE: [RegExp, NoteSection][] = [
  [/assessment/i, 'assessment'],
  [/\bplan\b/i, 'plan'],
  [/history of present illness|\bhpi\b/i, 'hpi'],
  [/review of systems|\bros\b/i, 'ros'],
  [/\bexam|physical findings/i, 'exam'],
];

function sectionOf(concept: unknown, title?: string): NoteSection {
  const loinc = codingIn(concept, ['loinc'])?.code;
  const byCode = loinc !== undefined ? SECTION_BY_LOINC[loinc] : undefined;
  if (byCode) return byCode;
  const t = title ?? (isObj(concept) ? text(concept.text) : undefined);
  return (t !== undefined && SECTION_BY_TITLE.find(([re]) => re.test(t))?.[1]) || 'other';
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/** The text of an XHTML narrative: tags dropped, block ends as line breaks, entities decoded. */
export function stripXhtml(html: string): string {
  return html
    .replace(/<(br|\/p|\/div|\/li|\/tr|\/h[1-6])\b[^>]*>/gi, '\n')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (m, e: string) => {
      if (e[0] === '#') {
        const cp = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
        return Number.isFinite(cp) && cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : m;
      }
      return ENTITIES[e.toLowerCase()] ?? m;
    })
    .split('\n')
    .map((l) => l.replace(/\s+/g, ' ').trim())
    .filter((l) => l !== '')
    .join('\n');
}

function attachmentText(att: unknown): string | undefined {
  if (!isObj(att)) return undefined;
  const data = text(att.data);
  if (data === undefined) return undefined;
  const type = (text(att.contentType) ?? 'text/plain').toLowerCase();
  const html = /^(text\/html|application\/xhtml\+xml)\b/.test(type);
  if (!html && !/^text\/plain\b/.test(type)) return undefined;
  const decoded = Buffer.from(data, 'base64').toString('utf8');
  const t = (html ? stripXhtml(decoded) : decoded).trim();
  return t === '' ? undefined : t;
}

function compositionSections(sections: unknown, ptr: string, out: Note[]): void {
  for (const [s, i] of objects(sections)) {
    const sptr = `${ptr}/section/${i}`;
    const div = isObj(s.text) ? text(s.text.div) : undefined;
    const body = div !== undefined ? stripXhtml(div) : '';
    if (body !== '') out.push({ section: sectionOf(s.code, text(s.title)), text: body, ptr: sptr });
    compositionSections(s.section, sptr, out);
  }
}

interface Documented {
  notes: Note[];
  encounterRef: unknown;
  encounterPtr: string;
  dateFields: readonly string[];
}

function documented(entry: Entry): Documented | undefined {
  const r: Obj = entry.resource;
  const notes: Note[] = [];
  switch (entry.type) {
    case 'DocumentReference': {
      if (r.docStatus === 'entered-in-error') return undefined;
      const section = sectionOf(r.type);
      for (const [c, i] of objects(r.content)) {
        const body = attachmentText(c.attachment);
        if (body !== undefined) notes.push({ section, text: body, ptr: `${entry.ptr}/content/${i}/attachment` });
      }
      const ctxObj = isObj(r.context) ? r.context : {};
      return { notes, encounterRef: list(ctxObj.encounter)[0], encounterPtr: `${entry.ptr}/context/encounter/0`, dateFields: ['context.period.start', 'date'] };
    }
    case 'DiagnosticReport': {
      const section = sectionOf(r.code);
      for (const [att, i] of objects(r.presentedForm)) {
        const body = attachmentText(att);
        if (body !== undefined) notes.push({ section, text: body, ptr: `${entry.ptr}/presentedForm/${i}` });
      }
      return { notes, encounterRef: r.encounter, encounterPtr: `${entry.ptr}/encounter`, dateFields: ['effectiveDateTime', 'effectivePeriod.start', 'issued'] };
    }
    case 'Composition':
      compositionSections(r.section, entry.ptr, notes);
      return { notes, encounterRef: r.encounter, encounterPtr: `${entry.ptr}/encounter`, dateFields: ['date'] };
    default:
      return undefined;
  }
}

export const NOTE_TYPES = ['DocumentReference', 'DiagnosticReport', 'Composition'] as const;

export function applyNotes(entries: readonly Entry[], encounters: Encounters): void {
  for (const entry of entries) {
    if (enteredInError(entry.resource)) continue;
    const doc = documented(entry);
    if (!doc || doc.notes.length === 0) continue;
    const day = firstDay(entry.resource, doc.dateFields);
    const enc = doc.encounterRef !== undefined
      ? encounters.find(doc.encounterRef, entry, doc.encounterPtr, 'its notes are not placed on an encounter')
      : day && encounters.onDay(day.day);
    if (enc) enc.notes.push(...doc.notes);
  }
}
