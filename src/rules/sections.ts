/**
 * The `sections:` option of the conditions that read notes. A note keeps its own section; a note
 * exported whole (section `other`) is read by its headings too, as the context's `note-sections`
 * name them: under "Impression:" it is an assessment, so `sections: [assessment]` reads that
 * part of it and no other.
 */
import { partAt, type CompiledContext } from './context.js';

/** All of a note's text, none of it, or the places (indexes) a predicate keeps. */
export type NotePart = boolean | ((index: number) => boolean);

/** What a `sections:` option keeps of each note. */
export function sectionFilter(
  context: CompiledContext,
  wanted: ReadonlySet<string>,
): (note: { text: string; section: string }) => NotePart {
  return (note) => {
    if (wanted.has(note.section)) return true;
    if (note.section !== 'other') return false;
    const parts = context.noteParts(note.text);
    if (!parts.sections.some((s) => wanted.has(s))) return false;
    return (index) => {
      const s = partAt(parts, index);
      return s !== undefined && wanted.has(s);
    };
  };
}

/** A condition's `sections:` option (one name or a list) as its filter; none when it is not given. */
export function sectionsOption(
  option: string | string[] | undefined,
  context: CompiledContext,
): ((note: { text: string; section: string }) => NotePart) | undefined {
  if (option === undefined) return undefined;
  return sectionFilter(context, new Set(Array.isArray(option) ? option : [option]));
}

/** Whether a note's part keeps the place at an index. */
export function keeps(part: NotePart, index: number): boolean {
  return part === true || (part !== false && part(index));
}
