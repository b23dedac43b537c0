/**
 * The ICD-10-CM code table: the CMS order files (one per fiscal year, 1 October to 30 September,
 * and the April 1 update some years have, in force from 1 April to 30 September), each line
 * fixed-width: order number (5), code without dot (7), 0 header / 1 billable, short and long
 * descriptor. A diagnosis is checked against the table in force on its encounter's date: where a
 * fiscal year's April update is loaded, its October table is in force until 31 March only.
 */
import { createHash } from 'node:crypto';
import { DEFAULT_MAX_FILE_SIZE, readBounded, refusal } from '../read/bounded.js';
import { ioCause } from '../core/io.js';
import { basename, resolve } from 'node:path';
import type { Day } from '../chart/model.js';
import { normalizeIcd10, parseDay } from '../chart/normalize.js';

export interface CodeEntry {
  billable: boolean;
  description: string;
}

export interface CodeTableYear {
  /** The fiscal year (FY2026 runs from 2025-10-01 to 2026-09-30). */
  fiscalYear: number;
  /** The fiscal year's April 1 update (in force from 1 April of the year, FY2026's from 2026-04-01). */
  april: boolean;
  from: Day;
  to: Day;
  file: string;
  codes: Map<string, CodeEntry>;
  /** A hash of the file's text, for the ruleset fingerprint (the cache). */
  digest: string;
}

export class CodeTable {
  constructor(readonly years: readonly CodeTableYear[] = []) {}

  get loaded(): boolean {
    return this.years.length > 0;
  }

  /** The table in force on a day, if one was loaded for it. */
  forDay(day: Day): CodeTableYear | undefined {
    for (const y of this.years) if (day >= y.from && day <= y.to) return y;
    return undefined;
  }

  /** `undefined` when no table covers the day: a code can then be neither valid nor invalid. */
  lookup(code: string, day: Day): CodeEntry | null | undefined {
    const y = this.forDay(day);
    if (!y) return undefined;
    return y.codes.get(code) ?? null;
  }
}

export class CodeTableError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

/** Parses one order file's text. */
export function parseOrderFile(text: string, file: string): Map<string, CodeEntry> {
  const codes = new Map<string, CodeEntry>();
  const lines = text.split(/\r?\n/);
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    const m = /^(\d{5}) ([A-Z0-9]{3,7})\s+([01]) (.*)$/.exec(line);
    if (!m)
      throw new CodeTableError(
        file,
        i + 1,
        `not an ICD-10-CM order file line (expected "00001 A000    1 Short description  Long description")`,
      );
    const rest = m[4]!;
    const long = rest.length > 61 ? rest.slice(61).trim() : rest.trim();
    codes.set(normalizeIcd10(m[2]!), { billable: m[3] === '1', description: long });
  });
  return codes;
}

/** How a table is named in messages: `FY2026`, or `FY2026, April 1 update`. */
export function tableLabel(y: Pick<CodeTableYear, 'fiscalYear' | 'april'>): string {
  return y.april ? `FY${y.fiscalYear}, April 1 update` : `FY${y.fiscalYear}`;
}

/** `path@2026` (a fiscal year's October table) or `path@2026-04` (its April 1 update). */
const AT_YEAR = /^(.*)@(\d{4})(-04)?$/;

/**
 * The fiscal year an order file covers, and whether it is that year's April 1 update:
 * `path@2026` or `path@2026-04`, else a year in its name (icd10cm_order_2026.txt), the April update
 * when the name also says "April" as a word or writes the month after the year
 * (icd10cm_order_2026_April.txt, icd10cm_order_2026-04.txt). April 2026
 * falls in FY2026, so the year in an April update's name is its fiscal year too.
 */
export function fiscalYearOf(spec: string): { path: string; year: number; april: boolean } {
  const at = AT_YEAR.exec(spec);
  if (at) return { path: at[1]!, year: Number(at[2]), april: at[3] !== undefined };
  const name = basename(spec);
  const m = /(20\d\d)/.exec(name);
  if (!m)
    throw new CodeTableError(
      spec,
      0,
      'cannot tell which fiscal year this order file covers: name it with the year (icd10cm_order_2026.txt) or write path@2026 (path@2026-04 for its April 1 update)',
    );
  // "April" as a word, or the year's month written after it (icd10cm_order_2026-04.txt): not
  // "APR" alone, which names other things (APR-DRG).
  const april = /(?:^|[^a-z])april(?:[^a-z]|$)/i.test(name) || new RegExp(`${m[1]}[-_]?04(?!\\d)`).test(name);
  return { path: spec, year: Number(m[1]), april };
}

/**
 * An order file as written (`path`, or `path@2026` for a file whose name has no year) with its
 * path made absolute against `baseDir`: the run's folder for a file given on the command line or
 * to the API, the file's own folder for one a config or tests file names.
 */
export function resolveTableSpec(spec: string, baseDir: string): string {
  const at = AT_YEAR.exec(spec);
  return at ? `${resolve(baseDir, at[1]!)}@${at[2]}${at[3] ?? ''}` : resolve(baseDir, spec);
}

export function loadCodeTable(specs: readonly string[]): CodeTable {
  const years: CodeTableYear[] = [];
  for (const spec of specs) {
    const { path, year, april } = fiscalYearOf(spec);
    const twin = years.find((y) => y.fiscalYear === year && y.april === april);
    // Two tables for the same days: which one a diagnosis is checked against would depend on the order given.
    if (twin)
      throw new CodeTableError(
        path,
        0,
        `another ICD-10-CM order file given before this one is also ${tableLabel({ fiscalYear: year, april })}: give one file for each (an April 1 update is written path@${year}-04)`,
      );
    let text: string;
    try {
      const r = readBounded(path, DEFAULT_MAX_FILE_SIZE); // a regular file under the size limit of chart files
      if ('refused' in r) throw new CodeTableError(path, 0, `cannot read the ICD-10-CM order file: ${refusal(r, DEFAULT_MAX_FILE_SIZE)}`);
      text = r.bytes.toString('latin1');
    } catch (err) {
      if (err instanceof CodeTableError) throw err;
      throw new CodeTableError(path, 0, `cannot read the ICD-10-CM order file: ${ioCause(err)}`);
    }
    years.push({
      fiscalYear: year,
      april,
      from: parseDay(april ? `${year}-04-01` : `${year - 1}-10-01`)!,
      to: parseDay(`${year}-09-30`)!,
      file: path,
      codes: parseOrderFile(text, path),
      digest: createHash('sha256').update(text).digest('hex'),
    });
  }
  years.sort((a, b) => a.from - b.from);
  // A fiscal year's April update ends its October table's days on 31 March.
  for (const y of years) {
    const update = y.april ? undefined : years.find((u) => u.april && u.fiscalYear === y.fiscalYear);
    if (update) y.to = update.from - 1;
  }
  return new CodeTable(years);
}
