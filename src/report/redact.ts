/**
 * `--redact`: a report that can be attached to a ticket. Applied before every formatter (or, for a
 * report written from its spools, to each finding as it is written). What can identify a patient
 * becomes a stable hash (`redacted:3f9a1c0b7d2e`): chart and encounter ids (claim and visit
 * numbers), file paths (exports are often named after the patient), note excerpts, and, wherever
 * they appear in a message or in the words of the evidence (a lab value written as text, a note
 * section), the patient's ids, names, birth date and note text. The same value gives the same hash
 * in every format and every run, so findings still group and compare, and whoever holds the charts
 * can find one by hashing its id. Fingerprints, which hash a chart and encounter id with words the
 * report shows, are hashed again the same way. With a key (B12LINT_REDACT_KEY) every hash is an
 * HMAC with it, so an id cannot be confirmed by hashing guesses; without one the key is public,
 * and the CLI says so. What a finding is about stays: rule ids, severities, positions, pointers,
 * codes, lab values, dates of service, the terms a rule matched and the ruleset's own words. The
 * chart ids of a file's `charts` and of a baseline's fixed entries are hashed like the findings'. A
 * provider query's note quotes are hashed like excerpts; its question and options keep the
 * ruleset's words with any identifying value in them hashed.
 *
 * The run keeps, of each chart's identifying strings, only those its findings quote (lint-file.ts,
 * `quotedStrings`), so `--redact` costs memory in proportion to the findings, not to the charts.
 */
import { MAX_SHOWN, shownValue } from '../core/shown.js';
import * as crypto from 'node:crypto';
import { createHash, createHmac } from 'node:crypto';
import type { Chart } from '../chart/model.js';
import { ENGINE_RULES, type Evidence, type Finding } from '../finding.js';
import { valueAt } from '../read/json-locate.js';
import { spacing } from '../rules/template.js';
import type { BaselineEntry, ChartEntry, Report } from './types.js';
import { PatternTrie, SuffixIndex } from './text-search.js';
import { pushAll } from '../core/arrays.js';

export interface RedactOptions {
  /** Identifying strings of each chart (sensitiveStrings), by `sensitiveKey(file, chartId)`. */
  sensitive: ReadonlyMap<string, readonly string[]>;
  /** A secret for a keyed hash; without it the hash is the same for everyone. */
  key?: string;
}

/** The key under which a chart's identifying strings are kept: its file and chart id ('' for none). */
export function sensitiveKey(file: string, chartId: string | undefined): string {
  return `${file}\u0000${chartId ?? ''}`;
}

/** Whether a chart's free text is only words the ruleset itself uses, or a diagnosis code's title (Engine.knownText). */
export type KnownText = (text: string, code?: string, day?: number) => boolean;

/** Whether an excerpt is the term itself, case and spacing aside. */
function sameWords(excerpt: string, term: string | undefined): boolean {
  return term !== undefined && spacing(excerpt).toLowerCase() === spacing(term).toLowerCase();
}

/** Keys whose values are categories, not identifiers. */
const NOT_IDENTIFYING = new Set(['sex', 'gender', 'resourceType', 'use', 'system']);

/**
 * What in one chart can identify its patient: the chart id, the patient's id and birth date, the
 * note texts, and every text written under the patient in the source document (names,
 * identifiers, addresses, a birth date that is not a valid date), whatever the format.
 */
export function sensitiveStrings(chart: Chart, doc: unknown, known: KnownText = () => false): string[] {
  const out: string[] = [chart.chartId];
  if (chart.patient.id !== undefined) out.push(chart.patient.id);
  if (chart.patient.birthDateText !== undefined) out.push(chart.patient.birthDateText);
  for (const e of chart.encounters) for (const n of e.notes) if (!known(n.text)) out.push(n.text);
  // The free text an export writes beside its codes may hold anything (a document pasted into a
  // diagnosis's description, a name): hashed where a finding quotes it, unless it is only the
  // ruleset's own words or the code's title ("Anemia", "B12", "Vitamin B12 deficiency anemia,
  // unspecified"). A medication's name is what a finding about it is about: it stays.
  const free = (text: string | undefined, code?: string, day?: number): void => {
    if (text !== undefined && text.trim() !== '' && !known(text, code, day)) out.push(text);
  };
  for (const e of chart.encounters) {
    for (const d of e.diagnoses) {
      free(d.description, d.code, e.date);
      free(d.mappedFrom?.display, d.code, e.date);
    }
  }
  for (const l of chart.labs) free(l.test);
  const stack: unknown[] = [valueAt(doc, chart.patient.ptr)];
  while (stack.length > 0 && out.length < 10_000) {
    const v = stack.pop();
    if (typeof v === 'string' || typeof v === 'number') out.push(String(v));
    else if (Array.isArray(v)) for (const x of v) stack.push(x);
    else if (v !== null && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) if (!NOT_IDENTIFYING.has(k)) stack.push(x);
    }
  }
  return withSpacing(out.filter((s) => s.trim().length >= 2));
}

/**
 * The values, each also as a message writes it (src/rules/template.ts: whitespace collapsed and
 * trimmed), so that `  Quincy   O'Neil ` is found in "Patient Quincy O'Neil, ...".
 */
function withSpacing(values: readonly string[]): string[] {
  const out: string[] = [];
  for (const v of values) {
    out.push(v);
    const spaced = spacing(v);
    if (spaced !== v && spaced.length >= 2) out.push(spaced);
  }
  return out;
}

/** Evidence members that are the rule's own or places: never chart text to look through. */
/** A pointer segment that is a key of a format (letters, "_" before a FHIR primitive's extension) or an index. */
const SEGMENT_KEPT = /^(?:\d{1,9}|_?[A-Za-z][A-Za-z_-]{0,63})$/;
/** A pointer made of such segments only (most are): kept as it is, with no split. */
const POINTER_KEPT = /^(?:\/(?:\d{1,9}|_?[A-Za-z][A-Za-z_-]{0,63}))*$/;

const EVIDENCE_KEPT = new Set(['kind', 'pointer', 'line', 'column', 'term', 'excerpt', 'file', 'converted']);

/**
 * The texts of a finding that may quote its chart: its message, its stack, its evidence's words,
 * and its query draft's question, options and indicators (a diagnosis's description or a
 * medication's name is an indicator as the chart writes it).
 */
export function findingTexts(f: Pick<Finding, 'message' | 'stack' | 'evidence' | 'query'>): string[] {
  const out = [f.message];
  if (f.stack !== undefined) out.push(f.stack);
  for (const e of f.evidence) {
    for (const [k, v] of Object.entries(e)) if (typeof v === 'string' && !EVIDENCE_KEPT.has(k)) out.push(v);
  }
  if (f.query !== undefined) {
    out.push(f.query.question);
    pushAll(out, f.query.options);
    for (const i of f.query.indicators) out.push(i.text);
  }
  return out;
}

/**
 * Of a chart's identifying strings, those that one of its findings' texts holds: all `redact`
 * will look for (the ids and excerpts it hashes anyway come with each finding). Kept instead of
 * every string of every chart, memory for `--redact` grows with the text of the findings, like
 * the report, not with the charts.
 */
export function quotedStrings(values: readonly string[], texts: readonly string[]): string[] {
  let size = 0;
  let longest = 0;
  for (const t of texts) {
    size += t.length;
    longest = Math.max(longest, t.length);
  }
  // Each value looked for in each text costs their product: past a million characters' worth, the
  // texts are indexed once instead (a chart of 10,000 names and 1,000 claim lines took seconds),
  // sorted as deep as the longest value that could be found (a shortened value, src/core/shown.ts,
  // is shorter than MAX_SHOWN units).
  let index: SuffixIndex | undefined;
  if (values.length * size > PLAIN_SEARCH) {
    let deepest = Math.min(longest, MAX_SHOWN);
    for (const v of values) if (v.length <= longest) deepest = Math.max(deepest, v.length);
    index = new SuffixIndex(texts, deepest);
  }
  const quoted = index ? (v: string) => index.contains(v) : (v: string) => texts.some((t) => t.includes(v));
  const out = new Set<string>();
  for (const v of values) {
    if (out.has(v) || v.trim().length < 2) continue;
    // A long value is quoted by its start and size (src/core/shown.ts): that is what is looked for.
    const shown = shownValue(v);
    if (quoted(v) || (shown !== v && quoted(shown))) out.add(v);
  }
  return [...out];
}

/** The most characters' worth of plain substring search (values times text) before an index pays. */
const PLAIN_SEARCH = 1 << 20;
/** The most values of a chart looked for one by one in each text of a finding; more are put in a trie. */
const PLAIN_PATTERNS = 16;

/** Rules whose messages quote chart text in double quotes (`found the text "..."`). */
const QUOTING_RULES = new Set<string>([
  ENGINE_RULES.chartFormat,
  ENGINE_RULES.parseError,
  ENGINE_RULES.readError,
  ENGINE_RULES.internalError,
]);
// From the start of a token only (a match could begin nowhere else): from each character of a
// long token, the token was read again.
const PATH_LIKE = /(?<![^\s"'`])[^\s"'`]*[^\s"'`:]\.(?:json|ya?ml|ndjson|jsonl)\b/gi;
/** Hashes remembered at most: the same chart id comes with each finding and chart entry of a chart, all of one file. */
const MEMO_LIMIT = 4096;

/**
 * The redaction of one run: `finding`, `chart` and `path` work one at a time, so a report written
 * piece by piece from its spools is redacted as it is written (finish.ts), in flat memory.
 */
export class Redactor {
  private readonly memo = new Map<string, string>();

  constructor(private readonly options: RedactOptions) {
    this.mac = hmacSha256(options.key ?? 'b12lint-redact');
  }

  /** `redacted:3f9a1c0b7d2e`: an HMAC of the value (keyed with B12LINT_REDACT_KEY, else with a public key). */
  hash = (s: string): string => {
    let h = this.memo.get(s);
    if (h === undefined) {
      h = `redacted:${this.mac(s).slice(0, 12)}`;
      if (this.memo.size >= MEMO_LIMIT) this.memo.clear();
      this.memo.set(s, h);
    }
    return h;
  };

  private readonly mac: (s: string) => string;

  /** A path as `redacted-<hash>.<extension>`. */
  path = (p: string): string => {
    const ext = /\.[A-Za-z0-9]{1,8}$/.exec(p)?.[0] ?? '';
    return `${this.hash(p).replace(':', '-')}${ext}`;
  };

  /**
   * A JSON pointer with each segment that could be chart text hashed: the keys of the chart format
   * and of FHIR are words ("encounters", "productOrService") and indexes are numbers, but a key
   * the export made up, or gave twice, may be anything ("/Patient John Smith 1950-01-01").
   */
  pointer = (ptr: string): string =>
    POINTER_KEPT.test(ptr) ? ptr : ptr.replace(/[^/]+/g, (seg) => (SEGMENT_KEPT.test(seg) ? seg : this.hash(seg)));

  /** A fingerprint hashes a chart and encounter id with words anyone can read: it is keyed like the ids. */
  fingerprint(fp: string): string {
    return this.mac(`fingerprint\u0000${fp}`).slice(0, fp.length || 16);
  }

  /**
   * The patterns of each chart's identifying strings, made at its first finding: findings of two
   * charts may alternate (NDJSON lines of two ids, two patients' claims in one Bundle), and
   * remade at each change of chart they took time in the product of the two (4,000 lines: over a
   * minute). Kept while they hold under a million strings (the charts' own quoted strings, which
   * the run holds anyway).
   */
  private readonly chartPatterns = new Map<string, Patterns>();
  private patternCount = 0;

  private patternsOf(key: string): Patterns {
    let p = this.chartPatterns.get(key);
    if (!p) {
      const values = this.options.sensitive.get(key) ?? [];
      if (this.patternCount + values.length > 1_000_000) {
        this.chartPatterns.clear();
        this.patternCount = 0;
      }
      p = patterns(values);
      this.chartPatterns.set(key, p);
      this.patternCount += values.length;
    }
    return p;
  }

  /** A finding of the file `file` (as the report had it, before its path is hashed). */
  finding(file: string, f: Finding): Finding {
    const values: string[] = [];
    if (f.chartId !== undefined) values.push(f.chartId);
    if (f.encounterId !== undefined) values.push(f.encounterId);
    // An excerpt that is only the term the rule matched ("Anemia") is the ruleset's word: hashed in
    // its own field, but not wherever the word stands ("Anemia, type not further specified").
    for (const e of f.evidence) if (e.excerpt !== undefined && !sameWords(e.excerpt, e.term)) values.push(e.excerpt);
    for (const i of f.query?.indicators ?? []) if (i.source === 'note') values.push(i.text);
    const sets = [this.patternsOf(sensitiveKey(file, f.chartId)), patterns(values)];
    const quoting = QUOTING_RULES.has(f.ruleId);
    const text = (s: string): string => {
      let out = replaceValues(s, sets, this.hash);
      if (quoting) {
        out = out.replace(/"([^"]*)"/g, (m, inner: string) => (inner.startsWith('redacted:') ? m : `"${this.hash(inner)}"`));
        out = out.replace(PATH_LIKE, (p) => (p.startsWith('redacted-') ? p : this.path(p)));
      }
      return out;
    };
    const g: Finding = {
      ...f,
      message: text(f.message),
      fingerprint: this.fingerprint(f.fingerprint),
      evidence: f.evidence.map((e) => this.evidence(e, text)),
    };
    if (f.chartId !== undefined) g.chartId = this.hash(f.chartId);
    if (f.encounterId !== undefined) g.encounterId = this.hash(f.encounterId);
    g.pointer = this.pointer(f.pointer);
    if (f.stack !== undefined) g.stack = text(f.stack);
    if (f.query !== undefined) {
      // A note quote is chart text: hashed whole, like an excerpt. Labs, medications and dates stay.
      const indicators = f.query.indicators.map((i) => ({ ...i, text: i.source === 'note' ? this.hash(i.text) : text(i.text) }));
      g.query = { ...f.query, question: text(f.query.question), indicators, options: f.query.options.map(text) };
    }
    return g;
  }

  private evidence(e: Evidence, text: (s: string) => string): Evidence {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(e)) {
      out[k] =
        k === 'excerpt'
          ? this.hash(v as string)
          : k === 'pointer'
            ? this.pointer(v as string)
            : k === 'file'
              ? this.path(v as string)
              : typeof v === 'string' && !EVIDENCE_KEPT.has(k)
                ? text(v)
                : v;
    }
    return out as unknown as Evidence;
  }

  chart(c: ChartEntry): ChartEntry {
    const pointer = this.pointer(c.pointer);
    const out = pointer === c.pointer ? c : { ...c, pointer };
    return c.chartId === undefined ? out : { ...out, chartId: this.hash(c.chartId) };
  }

  baselineEntry(e: BaselineEntry): BaselineEntry {
    const g: BaselineEntry = { ...e, file: this.path(e.file), fingerprint: this.fingerprint(e.fingerprint) };
    if (e.chartId !== undefined) g.chartId = this.hash(e.chartId);
    if (e.encounterId !== undefined) g.encounterId = this.hash(e.encounterId);
    return g;
  }

  /**
   * The report redacted in place: each finding and chart entry is replaced as it is redacted, so
   * the unredacted ones can go as the redacted ones come (a report's findings are most of a run's
   * memory). For a report no one reads afterwards; `report` makes a copy.
   */
  reportInPlace(report: Report): Report {
    for (const r of report.results) {
      const file = r.file;
      for (let i = 0; i < r.findings.length; i++) r.findings[i] = this.finding(file, r.findings[i]!);
      for (let i = 0; i < r.charts.length; i++) r.charts[i] = this.chart(r.charts[i]!);
      r.file = this.path(file);
    }
    const baseline = report.summary.baseline;
    if (baseline)
      report.summary = { ...report.summary, baseline: { ...baseline, fixed: baseline.fixed.map((e) => this.baselineEntry(e)) } };
    return report;
  }

  report(report: Report): Report {
    const results = report.results.map((r) => ({
      file: this.path(r.file),
      findings: r.findings.map((f) => this.finding(r.file, f)),
      charts: r.charts.map((c) => this.chart(c)),
    }));
    const baseline = report.summary.baseline;
    if (!baseline) return { ...report, results };
    const fixed = baseline.fixed.map((e) => this.baselineEntry(e));
    return { ...report, summary: { ...report.summary, baseline: { ...baseline, fixed } }, results };
  }
}

type OneShot = (algorithm: string, data: Buffer, encoding: 'buffer' | 'hex') => Buffer | string;
/** `crypto.hash` (Node 20.12 and later): a digest without a Hash object, several times cheaper for short values. */
const oneShot = (crypto as unknown as { hash?: OneShot }).hash;

/**
 * HMAC-SHA256 (RFC 2104) of short strings, as hex: `createHmac` costs an object and a key schedule
 * per value, which for the tens of thousands of ids and paths of a large run is most of what
 * `--redact` costs; with the padded keys made once, two one-shot digests give the same bytes.
 */
export function hmacSha256(key: string): (s: string) => string {
  if (!oneShot) return (s) => createHmac('sha256', key).update(s).digest('hex');
  const block = Buffer.alloc(64);
  const k = Buffer.from(key, 'utf8');
  (k.length > 64 ? createHash('sha256').update(k).digest() : k).copy(block);
  const ipad = Buffer.from(block.map((b) => b ^ 0x36));
  const opad = Buffer.from(block.map((b) => b ^ 0x5c));
  return (s) => {
    const inner = oneShot('sha256', Buffer.concat([ipad, Buffer.from(s, 'utf8')]), 'buffer') as Buffer;
    return oneShot('sha256', Buffer.concat([opad, inner]), 'hex') as string;
  };
}

export function redact(report: Report, options: RedactOptions): Report {
  return new Redactor(options).report(report);
}

const WORD_EDGE = /[\p{L}\p{N}]/u;

interface Pattern {
  value: string;
  /** The value starts (ends) with a letter or digit: it must not be preceded (followed) by one. */
  wordStart: boolean;
  wordEnd: boolean;
}

/**
 * The values to replace, each also as a message writes it (its spacing) and as a finding shows it
 * when long (its start and size, src/core/shown.ts), of two characters or more: a list to look
 * for one by one, or for many values a trie.
 */
type Patterns = { list: readonly Pattern[] } | { trie: PatternTrie<Pattern> };

function patterns(values: readonly string[]): Patterns {
  const all = [...values];
  for (const v of values) if (v.length > MAX_SHOWN) all.push(shownValue(v));
  const unique = [...new Set(withSpacing(all))].filter((v) => v.trim().length >= 2);
  const list = unique.map((value) => ({ value, wordStart: WORD_EDGE.test(value[0]!), wordEnd: WORD_EDGE.test(value[value.length - 1]!) }));
  if (list.length <= PLAIN_PATTERNS) return { list };
  const trie = new PatternTrie<Pattern>();
  for (const p of list) trie.add(p.value, p);
  return { trie };
}

/** True when the code point ending just before `i` is a letter or digit. */
function wordBefore(s: string, i: number): boolean {
  if (i <= 0) return false;
  const low = s.charCodeAt(i - 1);
  const at = low >= 0xdc00 && low <= 0xdfff && i >= 2 ? i - 2 : i - 1;
  return WORD_EDGE.test(String.fromCodePoint(s.codePointAt(at)!));
}

/** True when the code point at `i` is a letter or digit. */
function wordAt(s: string, i: number): boolean {
  return i < s.length && WORD_EDGE.test(String.fromCodePoint(s.codePointAt(i)!));
}

/**
 * `s` with every occurrence of the values replaced by its hash, scanning left to right: at each
 * place the longest value that occurs there (as a whole word where it starts or ends with a letter
 * or digit) is replaced, and the scan goes on after it. A few values are looked for one by one
 * (a message is short); many are walked in their trie from each place, so that the cost grows
 * with the text, not with the values times the text.
 */
function replaceValues(s: string, sets: readonly Patterns[], hash: (v: string) => string): string {
  let found: { start: number; end: number }[] | undefined;
  for (const set of sets) {
    if ('list' in set) {
      for (const { value, wordStart, wordEnd } of set.list) {
        if (value.length > s.length) continue;
        for (let i = s.indexOf(value); i >= 0; i = s.indexOf(value, i + 1)) {
          if ((wordStart && wordBefore(s, i)) || (wordEnd && wordAt(s, i + value.length))) continue;
          (found ??= []).push({ start: i, end: i + value.length });
        }
      }
    } else {
      for (let i = 0; i < s.length; i++) {
        const m = set.trie.longest(s, i, (p, end) => !(p.wordStart && wordBefore(s, i)) && !(p.wordEnd && wordAt(s, end)));
        if (m) (found ??= []).push({ start: i, end: m.end });
      }
    }
  }
  if (!found) return s;
  // At one place the longest wins (two values of one length at one place are the same text).
  found.sort((a, b) => a.start - b.start || b.end - a.end);
  let out = '';
  let pos = 0;
  for (const m of found) {
    if (m.start < pos) continue;
    out += s.slice(pos, m.start) + hash(s.slice(m.start, m.end));
    pos = m.end;
  }
  return out + s.slice(pos);
}
