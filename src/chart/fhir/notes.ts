/**
 * Notes from FHIR: DocumentReference attachments and DiagnosticReport `presentedForm` (text/plain
 * or HTML, inline base64 `data`; an attachment given only by `url` is not fetched: nothing leaves
 * the machine), and Composition sections (their XHTML narrative as text). A note goes to the
 * encounter it references (a ClinicalImpression's description, summary and findings are assessment
 * notes), else to the encounter of its date when exactly one is on that day;
 * a note with no encounter to go to, and a document that holds no text b12lint reads (a PDF, an
 * attachment by url), are reported, as is a document entered in error or superseded (left out by
 * its status). The section (assessment, plan, ...) comes from the LOINC
 * document or section code, else the title.
 */
import type { Note, NoteSection } from '../model.js';
import type { Context } from './context.js';
import type { Encounters } from './encounter.js';
import { leftOutByStatus, leftOutResource, several } from './left-out.js';
import { codingIn, firstDay, shown } from './systems.js';
import { enteredInError, isObj, list, objects, text, type Entry, type Obj } from './types.js';
import { pushAll } from '../../core/arrays.js';

const SECTION_BY_TITLE: [RegExp, NoteSection][] = [
  [/assessment/i, 'assessment'],
  [/\bplan\b/i, 'plan'],
  [/history of present illness|\bhpi\b/i, 'hpi'],
  [/review of systems|\bros\b/i, 'ros'],
  [/\bexam|physical findings/i, 'exam'],
];

/** The section by LOINC document or section code (the concept map's `noteSections`), else by title. */
function sectionOf(byLoinc: ReadonlyMap<string, NoteSection>, concept: unknown, title?: string): NoteSection {
  const loinc = codingIn(concept, ['loinc'])?.code;
  const byCode = loinc !== undefined ? byLoinc.get(loinc) : undefined;
  if (byCode) return byCode;
  const t = title ?? (isObj(concept) ? text(concept.text) : undefined);
  return (t !== undefined && SECTION_BY_TITLE.find(([re]) => re.test(t))?.[1]) || 'other';
}

// A Map, not an object: `&constructor;` in a narrative is no entity. Named entities are
// case-sensitive (`&Mu;` is not `&mu;`); one not found as written is looked up in lower case.
const ENTITIES: ReadonlyMap<string, string> = new Map([
  ['amp', '&'],
  ['lt', '<'],
  ['gt', '>'],
  ['quot', '"'],
  ['apos', "'"],
  ['nbsp', ' '],
  ['ensp', ' '],
  ['emsp', ' '],
  ['thinsp', ' '],
  ['shy', ''],
  ['ndash', '\u2013'],
  ['mdash', '\u2014'],
  ['lsquo', '\u2018'],
  ['rsquo', '\u2019'],
  ['sbquo', '\u201a'],
  ['ldquo', '\u201c'],
  ['rdquo', '\u201d'],
  ['bdquo', '\u201e'],
  ['hellip', '\u2026'],
  ['bull', '\u2022'],
  ['middot', '\u00b7'],
  ['micro', '\u00b5'],
  ['mu', '\u03bc'],
  ['deg', '\u00b0'],
  ['plusmn', '\u00b1'],
  ['times', '\u00d7'],
  ['divide', '\u00f7'],
  ['le', '\u2264'],
  ['ge', '\u2265'],
  ['ne', '\u2260'],
  ['asymp', '\u2248'],
  ['minus', '\u2212'],
  ['larr', '\u2190'],
  ['rarr', '\u2192'],
  ['uarr', '\u2191'],
  ['darr', '\u2193'],
  ['frac12', '\u00bd'],
  ['frac14', '\u00bc'],
  ['frac34', '\u00be'],
  ['sup2', '\u00b2'],
  ['sup3', '\u00b3'],
  ['laquo', '\u00ab'],
  ['raquo', '\u00bb'],
  ['copy', '\u00a9'],
  ['reg', '\u00ae'],
  ['trade', '\u2122'],
  ['sect', '\u00a7'],
  ['para', '\u00b6'],
  ['dagger', '\u2020'],
  ['Dagger', '\u2021'],
  ['alpha', '\u03b1'],
  ['beta', '\u03b2'],
  ['gamma', '\u03b3'],
  ['delta', '\u03b4'],
  ['Delta', '\u0394'],
]);

/** Elements dropped with their content: the document's head (its title), scripts and styles. */
const DROPPED = /<(head|script|style)\b[^>]*(?:>|$)/gi;

/**
 * The HTML without its `<head>`, `<script>` and `<style>` elements, content and all. An element
 * whose end tag is missing is kept (its text is read, its tags dropped), except a head, which ends
 * where `<body` starts (HTML lets the end tag be left out). Each search starts where the last
 * ended, and an element found unclosed is not looked for again: one pass over the text.
 */
function dropElements(html: string): string {
  const unclosed = new Set<string>();
  let out = '';
  let from = 0;
  DROPPED.lastIndex = 0;
  for (let m = DROPPED.exec(html); m; m = DROPPED.exec(html)) {
    const name = m[1]!.toLowerCase();
    if (!m[0].endsWith('>')) break;
    if (unclosed.has(name)) continue;
    const end = new RegExp(name === 'head' ? '</head\\b[^>]*(?:>|$)|<body\\b' : `</${name}\\b[^>]*(?:>|$)`, 'gi');
    end.lastIndex = DROPPED.lastIndex;
    const close = end.exec(html);
    if (!close) {
      unclosed.add(name);
      continue;
    }
    out += `${html.slice(from, m.index)}\n`;
    from = close[0].toLowerCase().startsWith('<body') ? close.index : end.lastIndex;
    DROPPED.lastIndex = from;
  }
  return from === 0 ? html : out + html.slice(from);
}

/** Stands for a table cell's start while lines are tidied (removed from the input first): a tab in the text. */
const CELL = '\u0000';

function entity(m: string, e: string): string {
  if (e[0] === '#') {
    const cp = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
    return Number.isFinite(cp) && cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : m;
  }
  return ENTITIES.get(e) ?? ENTITIES.get(e.toLowerCase()) ?? m;
}

/**
 * The text of an XHTML narrative or an HTML note: the head, scripts and styles dropped with their
 * content; tags dropped, block ends, headings, table rows and a title's end as line breaks, table
 * cells as tabs (a template's columns); entities decoded (the named ones notes use, and numeric
 * ones). A `<` that no `>` follows is kept as written; the patterns take it and the rest of the
 * text at once (a pattern that looked for the `>` from each `<` read the text once per `<`).
 */
export function stripXhtml(html: string): string {
  return dropElements(html.replaceAll(CELL, ''))
    .replace(/<(br|\/p|\/div|\/li|\/?tr|\/?h[1-6]|\/title|\/?table)\b[^>]*(?:>|$)/gi, (m) => (m.endsWith('>') ? '\n' : m))
    .replace(/<(td|th)\b[^>]*(?:>|$)/gi, (m) => (m.endsWith('>') ? CELL : m))
    .replace(/<[^>]*(?:>|$)/g, (m) => (m.endsWith('>') ? ' ' : m))
    .replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z][a-z0-9]*);/gi, entity)
    .split('\n')
    .map((l) =>
      l
        .replace(/\s+/g, ' ')
        .replace(/ ?\u0000[\u0000 ]*/g, '\t')
        .trim(),
    )
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

function compositionSections(byLoinc: ReadonlyMap<string, NoteSection>, sections: unknown, ptr: string, out: Note[]): void {
  for (const [s, i] of objects(sections)) {
    const sptr = `${ptr}/section/${i}`;
    const div = isObj(s.text) ? text(s.text.div) : undefined;
    const body = div !== undefined ? stripXhtml(div) : '';
    if (body !== '') out.push({ section: sectionOf(byLoinc, s.code, text(s.title)), text: body, ptr: sptr });
    compositionSections(byLoinc, s.section, sptr, out);
  }
}

interface Documented {
  notes: Note[];
  /** Why the resource gave no note, when it gave none but holds something that might be one. */
  unread?: string;
  encounterRef: unknown;
  encounterPtr: string;
  dateFields: readonly string[];
}

/** Why an attachment is not read as text: its type, or that it is given only by `url`. */
function unreadAttachment(att: unknown): string {
  if (!isObj(att)) return 'no attachment';
  const type = text(att.contentType);
  if (text(att.data) === undefined)
    return text(att.url) !== undefined ? 'attachment given by url only: nothing is fetched' : 'attachment with no data';
  return `attachment of type ${shown(type ?? 'unknown')}, not text`;
}

function documented(entry: Entry, byLoinc: ReadonlyMap<string, NoteSection>): Documented | undefined {
  const r: Obj = entry.resource;
  const notes: Note[] = [];
  switch (entry.type) {
    case 'DocumentReference': {
      const section = sectionOf(byLoinc, r.type);
      const content = objects(r.content);
      for (const [c, i] of content) {
        const body = attachmentText(c.attachment);
        if (body !== undefined) notes.push({ section, text: body, ptr: `${entry.ptr}/content/${i}/attachment` });
      }
      const ctxObj = isObj(r.context) ? r.context : {};
      const doc: Documented = {
        notes,
        encounterRef: list(ctxObj.encounter)[0],
        encounterPtr: `${entry.ptr}/context/encounter/0`,
        dateFields: ['context.period.start', 'date'],
      };
      if (notes.length === 0) doc.unread = content.length ? unreadAttachment(content[0]![0].attachment) : 'no content';
      return doc;
    }
    case 'DiagnosticReport': {
      const section = sectionOf(byLoinc, r.code);
      const forms = objects(r.presentedForm);
      for (const [att, i] of forms) {
        const body = attachmentText(att);
        if (body !== undefined) notes.push({ section, text: body, ptr: `${entry.ptr}/presentedForm/${i}` });
      }
      // A report with no presentedForm is a lab report: its results are Observations, read as labs.
      const doc: Documented = {
        notes,
        encounterRef: r.encounter,
        encounterPtr: `${entry.ptr}/encounter`,
        dateFields: ['effectiveDateTime', 'effectivePeriod.start', 'issued'],
      };
      if (notes.length === 0 && forms.length > 0) doc.unread = unreadAttachment(forms[0]![0]);
      return doc;
    }
    case 'Composition': {
      compositionSections(byLoinc, r.section, entry.ptr, notes);
      const doc: Documented = { notes, encounterRef: r.encounter, encounterPtr: `${entry.ptr}/encounter`, dateFields: ['date'] };
      if (notes.length === 0) doc.unread = 'no section has text';
      return doc;
    }
    case 'ClinicalImpression':
      return impression(entry);
    default:
      return undefined;
  }
}

/**
 * A ClinicalImpression is the provider's assessment: its `description`, `summary`, and each
 * finding's text (`itemCodeableConcept`, `basis`) are assessment notes of its `encounter`.
 */
function impression(entry: Entry): Documented {
  const r = entry.resource;
  const notes: Note[] = [];
  for (const key of ['description', 'summary']) {
    const t = text(r[key]);
    if (t !== undefined) notes.push({ section: 'assessment', text: t, ptr: `${entry.ptr}/${key}` });
  }
  for (const [f, i] of objects(r.finding)) {
    const item = isObj(f.itemCodeableConcept) ? text(f.itemCodeableConcept.text) : undefined;
    const t = [item, text(f.basis)].filter((x) => x !== undefined).join(': ');
    if (t !== '') notes.push({ section: 'assessment', text: t, ptr: `${entry.ptr}/finding/${i}` });
  }
  const doc: Documented = {
    notes,
    encounterRef: r.encounter,
    encounterPtr: `${entry.ptr}/encounter`,
    dateFields: ['effectiveDateTime', 'effectivePeriod.start', 'date'],
  };
  if (notes.length === 0) doc.unread = 'no description, summary or finding text';
  return doc;
}

export const NOTE_TYPES = ['DocumentReference', 'DiagnosticReport', 'Composition', 'ClinicalImpression'] as const;

const UNREAD = (n: number): string =>
  `${several(n, 'document')} not read as ${n === 1 ? 'a note' : 'notes'}, holding no text b12lint reads`;
const UNPLACED = (n: number): string =>
  `${several(n, 'document')} not linted, with no encounter to place ${n === 1 ? 'its notes' : 'their notes'} on`;

/**
 * Why a document is not the record of its encounter, if it is not: entered in error (`status`, or
 * a DocumentReference's `docStatus`), or a DocumentReference `superseded` (replaced by another
 * document, whose text is the record).
 */
function noteStatus(entry: Entry): string | undefined {
  const r = entry.resource;
  if (enteredInError(r)) return 'entered-in-error';
  if (entry.type !== 'DocumentReference') return undefined;
  if (r.docStatus === 'entered-in-error') return 'docStatus entered-in-error';
  return r.status === 'superseded' ? 'superseded: replaced by another document' : undefined;
}

export function applyNotes(entries: readonly Entry[], encounters: Encounters, ctx: Context): void {
  for (const entry of entries) {
    const notCurrent = noteStatus(entry);
    if (notCurrent !== undefined) {
      leftOutByStatus(entry, notCurrent, ctx);
      continue;
    }
    const doc = documented(entry, ctx.map.noteSections);
    if (!doc) continue;
    if (doc.notes.length === 0) {
      if (doc.unread !== undefined) ctx.leftOut.add('notes-unread', 'info', UNREAD, leftOutResource(entry, doc.unread));
      continue;
    }
    const day = firstDay(entry.resource, doc.dateFields);
    if (doc.encounterRef !== undefined) {
      // A reference that does not resolve is reported where it stands.
      const enc = encounters.find(doc.encounterRef, entry, doc.encounterPtr, 'its notes are not placed on an encounter');
      if (enc) pushAll(enc.notes, doc.notes);
      continue;
    }
    const enc = day && encounters.onDay(day.day);
    if (enc) pushAll(enc.notes, doc.notes);
    else {
      const why = !day
        ? 'it names no encounter and has no date'
        : `it names no encounter, and ${encounters.onDayCount(day.day) === 0 ? 'none is' : 'more than one is'} on ${day.text}`;
      ctx.leftOut.add('notes-unplaced', 'warning', UNPLACED, leftOutResource(entry, why));
    }
  }
}
