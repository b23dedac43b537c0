/**
 * Doses as they are documented: a mass ("1000 mcg", "1 mg"), or a volume with the concentration
 * it was drawn from ("1 mL of 1000 mcg/mL", "1 mL (1000 mcg/mL)", "1000 mcg/mL, 1 mL"). Read from
 * a dose written as text in a chart and from note sentences; the `dose` condition turns a volume
 * and its concentration into a mass. Only numbers and units are kept, never the text around them.
 */
import type { Dose } from './model.js';
import { ownValue } from '../core/own.js';

const NUM = String.raw`(?<![\p{L}\p{N}_.,])(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)`;
const MASS = String.raw`(mcg|µg|μg|ug|mg|ng|g|micrograms?|milligrams?|grams?)`;
const VOLUME = String.raw`(ml|mls|cc|l|milliliters?|millilitres?|liters?|litres?)`;
const END = String.raw`(?![\p{L}\p{N}_])`;

/**
 * "1000 mcg/mL", "1 mg per mL", "1000 mcg/1 mL". "per" is followed by a space that the one `\s*`
 * after it takes: two runs of spaces side by side (`per\s+\s*`) could split a long run of them
 * every way, and a dose is chart text.
 */
const CONCENTRATION = new RegExp(String.raw`${NUM}\s*${MASS}\s*(?:/|per(?=\s))\s*(?:1\s*)?${VOLUME}${END}`, 'giu');
/** "1 mL": a volume not followed by a slash (that would be a concentration's mass). */
const VOLUME_AMOUNT = new RegExp(String.raw`${NUM}\s*${VOLUME}${END}(?!\s*/)`, 'giu');
/** "1000 mcg": a mass not followed by "/" or "per" (that would be a concentration). */
const MASS_AMOUNT = new RegExp(String.raw`${NUM}\s*${MASS}${END}(?!\s*(?:/|per\s))`, 'giu');

const MASS_UNITS: Readonly<Record<string, string>> = {
  mcg: 'mcg',
  µg: 'mcg',
  μg: 'mcg',
  ug: 'mcg',
  microgram: 'mcg',
  micrograms: 'mcg',
  mg: 'mg',
  milligram: 'mg',
  milligrams: 'mg',
  g: 'g',
  gram: 'g',
  grams: 'g',
  ng: 'ng',
};
const VOLUME_UNITS: Readonly<Record<string, string>> = {
  ml: 'mL',
  mls: 'mL',
  cc: 'mL',
  milliliter: 'mL',
  milliliters: 'mL',
  millilitre: 'mL',
  millilitres: 'mL',
  l: 'L',
  liter: 'L',
  liters: 'L',
  litre: 'L',
  litres: 'L',
};

/**
 * A unit the patterns matched, as the table writes it. They match with Unicode case folding, under
 * which a long s (U+017F) is an s ("microgramſ"): folded here too. A word the table does not hold
 * as its own gives undefined: no dose is read from it.
 */
function unitOf(table: Readonly<Record<string, string>>, word: string): string | undefined {
  const key = word.toLowerCase().replace(/\u017f/g, 's');
  return ownValue(table, key);
}

function num(s: string): number {
  return Number(s.replace(/,/g, ''));
}

interface Found {
  start: number;
  end: number;
  m: RegExpExecArray;
}

function all(re: RegExp, text: string): Found[] {
  const out: Found[] = [];
  re.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) out.push({ start: m.index, end: m.index + m[0].length, m });
  return out;
}

const overlaps = (a: Found, b: Found): boolean => a.start < b.end && b.start < a.end;

/** How far after a volume the words that call it a container are looked for, in characters. */
const PACKAGE_REACH = 40;

/**
 * The first dose written in a text: a volume with a concentration beside it (in either order), else
 * a mass. Undefined when the text holds neither (a concentration alone is not a dose).
 */
export function parseDose(text: string, isPackage?: (after: string) => boolean): Dose | undefined {
  return findDose(text, isPackage)?.dose;
}

/** The first dose written in a text (as `parseDose` reads it) and where its writing starts and ends. */
export function findDose(text: string, isPackage?: (after: string) => boolean): { dose: Dose; start: number; end: number } | undefined {
  if (text.length > 2000) text = text.slice(0, 2000);
  const concentration = all(CONCENTRATION, text)[0];
  if (concentration) {
    // A volume the words after it call a container ("30 mL multi-dose vial") is not the dose.
    const volume = all(VOLUME_AMOUNT, text).find(
      (v) => !overlaps(v, concentration) && !isPackage?.(text.slice(v.end, v.end + PACKAGE_REACH)),
    );
    if (volume) {
      const [, v, vu] = volume.m;
      const [, c, cm, cv] = concentration.m;
      const unit = unitOf(VOLUME_UNITS, vu!);
      const mass = unitOf(MASS_UNITS, cm!);
      const per = unitOf(VOLUME_UNITS, cv!);
      if (unit === undefined || mass === undefined || per === undefined) return undefined;
      const dose = { value: num(v!), unit, concentration: { value: num(c!), unit: `${mass}/${per}` } };
      return { dose, start: Math.min(volume.start, concentration.start), end: Math.max(volume.end, concentration.end) };
    }
  }
  const mass = all(MASS_AMOUNT, text).find((x) => !concentration || !overlaps(x, concentration));
  if (!mass) return undefined;
  const unit = unitOf(MASS_UNITS, mass.m[2]!);
  return unit === undefined ? undefined : { dose: { value: num(mass.m[1]!), unit }, start: mass.start, end: mass.end };
}

/** A concentration written on its own ("1000 mcg/mL"), for a dose given as a volume. */
export function parseConcentration(text: string): { value: number; unit: string } | undefined {
  const c = all(CONCENTRATION, text)[0];
  if (!c) return undefined;
  const [, v, m, vol] = c.m;
  const mass = unitOf(MASS_UNITS, m!);
  const per = unitOf(VOLUME_UNITS, vol!);
  return mass === undefined || per === undefined ? undefined : { value: num(v!), unit: `${mass}/${per}` };
}

/** A dose as text: "1000 mcg", "1 mL of 1000 mcg/mL". */
export function formatDose(d: Dose): string {
  return d.concentration ? `${d.value} ${d.unit} of ${d.concentration.value} ${d.concentration.unit}` : `${d.value} ${d.unit}`;
}
