/**
 * Code matching, compiled once per run: exact codes go into a Set, `*` patterns into a prefix
 * list. Diagnosis codes compare in ICD-10-CM form (`D510` is `D51.0`); procedure codes (HCPCS,
 * CPT) as written, upper case. A HCPCS code such as J3420 would otherwise read as ICD-10 J34.20.
 */
import { normalizeIcd10, normalizeProcedureCode } from '../chart/normalize.js';

export class CodeMatcher {
  private readonly icd = new Set<string>();
  private readonly icdPrefixes: string[] = [];
  private readonly plain = new Set<string>();
  private readonly plainPrefixes: string[] = [];

  constructor(readonly entries: readonly string[]) {
    for (const raw of entries) {
      const e = raw.trim();
      if (e.endsWith('*')) {
        const prefix = e.slice(0, -1);
        const up = prefix.toUpperCase();
        this.plainPrefixes.push(up);
        this.icdPrefixes.push(up.length > 3 && !up.includes('.') ? normalizeIcd10(up) : up);
      } else {
        this.plain.add(normalizeProcedureCode(e));
        this.icd.add(normalizeIcd10(e));
      }
    }
  }

  /** `code` is a normalized ICD-10-CM code. */
  matchesDiagnosis(code: string): boolean {
    if (this.icd.has(code)) return true;
    for (const p of this.icdPrefixes) if (code.startsWith(p)) return true;
    return false;
  }

  /**
   * `code`, a normalized ICD-10-CM code of three characters or more, is a category above one of
   * the codes: it begins an exact code or a pattern's prefix and is shorter (K50 above `K50.*`,
   * Z98.8 and Z98 above Z98.84). In ICD-10-CM such a code is a header, not billable.
   */
  isHeaderOf(code: string): boolean {
    if (code.length < 3) return false;
    for (const c of this.icd) if (c.length > code.length && c.startsWith(code)) return true;
    for (const p of this.icdPrefixes) if (p.length > code.length && p.startsWith(code)) return true;
    return false;
  }

  /** `code` is a normalized HCPCS or CPT code. */
  matchesProcedure(code: string): boolean {
    if (this.plain.has(code)) return true;
    for (const p of this.plainPrefixes) if (code.startsWith(p)) return true;
    return false;
  }
}

/**
 * A code written in a ruleset (upper case letters, digits, dots, an optional trailing `*`), as
 * opposed to the name of a codeset (kebab-case, lower case).
 */
export function looksLikeCode(s: string): boolean {
  return /^[A-Z0-9][A-Z0-9.]*\*?$/.test(s) && (/[0-9]/.test(s) || s.endsWith('*'));
}
