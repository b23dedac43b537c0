/**
 * The most of one note that is read. Reading a note costs time and memory in proportion to its
 * cues and mentions: a note of tens of megabytes written as "no melena, no melena, ..." took
 * minutes and ran the process out of memory (a hostile-input review). A clinical note is a few
 * kilobytes, a long one a few hundred; past this limit the rest of a note is not read, and an
 * error says so at the note (a pre-billing gate does not pass on what it did not read).
 */
import { ENGINE_RULES, type UnlocatedFinding } from '../finding.js';
import type { AdaptResult } from './native.js';
import { grouped } from '../core/numbers.js';

/** Characters of one note that are read (1 MiB of characters). */
export const MAX_NOTE_CHARS = 1024 * 1024;

/** Cuts every note of the adapted charts to MAX_NOTE_CHARS, at a space where one is near, with a finding for each note cut. */
export function limitNotes(result: AdaptResult, max = MAX_NOTE_CHARS): AdaptResult {
  for (const chart of result.charts) {
    for (const e of chart.encounters) {
      for (const n of e.notes) {
        if (n.text.length <= max) continue;
        const was = n.text.length;
        let cut = max;
        // Not inside a word, nor between the halves of a surrogate pair.
        const space = n.text.lastIndexOf(' ', cut);
        if (space > max - 200) cut = space;
        else if (/[\uDC00-\uDFFF]/.test(n.text[cut] ?? '')) cut--;
        n.text = n.text.slice(0, cut);
        const f: UnlocatedFinding = {
          ruleId: ENGINE_RULES.chartFormat,
          severity: 'error',
          message: `The note is ${grouped(was)} characters long: only its first ${grouped(cut)} are read (at most ${grouped(max)} of a note); what the rest documents is not linted.`,
          pointer: n.ptr,
          evidence: [],
        };
        if (chart.chartId !== '') f.chartId = chart.chartId;
        f.encounterId = e.id;
        result.findings.push(f);
      }
    }
  }
  return result;
}
