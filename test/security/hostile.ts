/**
 * Hostile inputs for the security tests (issue 19), made at test time in a scratch folder, and the
 * checks that b12lint's output neither drives a terminal nor runs a CI log command.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const ESC = '\u001b';

/** The file name: clears the screen, turns the text red, and puts `::error::forged` at the start of a line. */
export const FORGED_NAME = `x${ESC}[2J${ESC}[31mevil\n::error::forged.yaml`;
/** A file name that is a GitHub workflow command with no control character at all. */
export const COMMAND_NAME = '::error::plain.yaml';
/** A chart id with an OSC title sequence, BEL, a screen clear and a CR. */
export const CHART_ID = `C${ESC}]0;pwned\u0007${ESC}[2J\r::error::forged-id`;
/** An encounter id with a C1 NEL, `::add-mask::`, a line separator, GitHub's mid-line `##[` command and a bidi override. */
export const ENCOUNTER_ID = 'E\u0085::add-mask::x\u2028##[error]mid\u202e';
/** Note text with line ends, `::stop-commands::`, a mid-line `##[error]` and a C1 CSI. */
export const NOTE = 'Fatigue.\n::stop-commands::tok\n##[error]mid-line \u009b31m Denies melena. Plan B12 injection today.';

/**
 * A chart that the recommended ruleset flags several ways, all of whose messages quote chart text:
 * J3420 linked to D62 (the rule quotes the encounter id), a note that denies bleeding (quoted as
 * evidence), and the encounter id used twice (a chart-format finding quotes it; not when `usable`,
 * for a test case, which a chart-format error would make unusable).
 */
export function hostileChart(options: { usable?: boolean } = {}): Record<string, unknown> {
  const chart = {
    chartId: CHART_ID,
    patient: { id: 'P\n::error::pid', birthDate: '1950-01-02', sex: 'female' },
    encounters: [
      {
        id: ENCOUNTER_ID,
        date: '2026-10-02',
        diagnoses: [{ code: 'D62' }],
        services: [{ code: 'J3420', units: 1, diagnoses: ['D62'] }],
        notes: [{ section: 'assessment', text: NOTE }],
      },
      { id: ENCOUNTER_ID, date: '2026-10-03', diagnoses: [{ code: 'D62' }], services: [] },
    ],
  };
  return options.usable ? { ...chart, encounters: chart.encounters.slice(0, 1) } : chart;
}

/** JSON text (also YAML) with every character beyond ASCII controls written as a \u escape, so the file itself is plain. */
export function escapedJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(
    /[\u007f-\u009f\u2028\u2029\u202a-\u202e]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** Writes the hostile chart under the file name and under a plain command name; returns the names. */
export function writeHostileCharts(dir: string): string[] {
  const text = escapedJson(hostileChart());
  writeFileSync(join(dir, FORGED_NAME), text);
  writeFileSync(join(dir, COMMAND_NAME), text.replace(/"chartId": "C/, '"chartId": "D'));
  return [FORGED_NAME, COMMAND_NAME];
}

/** Characters that drive a terminal, or break a line in a viewer, when printed raw. */
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\u061c\u200b\u200e\u200f\ufeff]/;

export interface Unsafe {
  line: number;
  why: string;
  text: string;
}

/**
 * Every line of `out` that a terminal or CI log would act on: a raw control character (only the
 * format's own line ends are allowed: LF, or CR LF where `crlf`), a line that starts with `::`
 * after its leading spaces (GitHub runs it; `allowCommand` accepts the format's own commands),
 * or a CI command marker anywhere in the line (GitHub's `##[`, Azure's `##vso[`, TeamCity's `##teamcity[`).
 */
export function unsafeLines(out: string, options: { crlf?: boolean; allowCommand?: RegExp } = {}): Unsafe[] {
  const found: Unsafe[] = [];
  const lines = options.crlf ? out.split('\r\n') : out.split('\n');
  lines.forEach((text, i) => {
    const add = (why: string): void => {
      found.push({ line: i + 1, why, text: JSON.stringify(text.slice(0, 200)) });
    };
    // A byte-order mark may open the output (csv writes one for Excel), nowhere else.
    if (RAW_CONTROL.test(i === 0 ? text.replace(/^\ufeff/, '') : text)) add('raw control character');
    const start = text.trimStart();
    if (start.startsWith('::') && !(options.allowCommand?.test(text) ?? false)) add('starts a workflow command');
    if (/##(?:vso|teamcity)?\[/i.test(text)) add('holds a CI command marker');
  });
  return found;
}
