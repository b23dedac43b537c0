/**
 * The engine: runs a compiled ruleset over one chart. Rules are grouped by subject, so each
 * subject (service, diagnosis, ...) is visited once for all the rules that look at it.
 */
import { chartFacts, factsKey } from './relevance.js';
import type { Chart, Encounter } from '../chart/model.js';
import { ENGINE_RULES, fingerprintOf, MAX_EVIDENCE, type UnlocatedFinding } from '../finding.js';
import { ChartContext } from './chart-context.js';
import { nextChart } from './context.js';
import { diagnosisDataQuality, labDataQuality } from './data-quality.js';
import { diagnosisEvidence, forgetHits, merge } from './evidence.js';
import { subjectOf } from './subject.js';
import { buildQuery, forgetBoundaries } from './query.js';
import { parseTemplate, render, spacing, type TemplatePart } from './template.js';
import { foldCase } from './words.js';
import type { CompiledRule, CompiledRuleset, EvidenceRef, Outcome, Scope, SubjectKind } from './types.js';

interface PreparedRule {
  rule: CompiledRule;
  template: TemplatePart[];
}

/** Statistics per rule for `--stats`: time spent and findings produced. */
export interface RuleStats {
  evaluations: number;
  findings: number;
  ms: number;
}

/** The most combinations of chart facts whose relevant rules are remembered (then forgotten at once). */
const FACTS_MEMO = 4096;

export class Engine {
  /** The rules by subject, set out when the engine is first used (a replayed run uses none: its ruleset may not be compiled). */
  private prepared: Map<SubjectKind, PreparedRule[]> | undefined;
  private ruleStats: Map<string, RuleStats> | undefined;
  private readonly wantStats: boolean;

  private readonly relevance: boolean;
  private readonly byFacts = new Map<string, Map<SubjectKind, PreparedRule[]>>();

  /**
   * `relevance: false` asks every rule about every chart, as if no rule had a gate (relevance.ts):
   * the same findings, more slowly; the tests compare the two.
   */
  constructor(
    readonly ruleset: CompiledRuleset,
    options: { stats?: boolean; relevance?: boolean } = {},
  ) {
    this.relevance = options.relevance ?? true;
    this.wantStats = options.stats ?? false;
  }

  /** Statistics per rule, when asked for (`stats`). */
  get stats(): Map<string, RuleStats> | undefined {
    this.bySubject();
    return this.ruleStats;
  }

  private bySubject(): Map<SubjectKind, PreparedRule[]> {
    if (this.prepared) return this.prepared;
    const by = new Map<SubjectKind, PreparedRule[]>();
    for (const rule of this.ruleset.rules) {
      const list = by.get(rule.on) ?? [];
      list.push({ rule, template: parseTemplate(rule.message) });
      by.set(rule.on, list);
    }
    if (this.wantStats) this.ruleStats = new Map(this.ruleset.rules.map((r) => [r.id, { evaluations: 0, findings: 0, ms: 0 }]));
    return (this.prepared = by);
  }

  /**
   * Every finding of every rule for one chart. A rule that throws gives an `internal-error` finding.
   * Without `queries`, no provider query draft is built: for a run whose reports show none.
   */
  /** The ruleset's own words, case-folded, spacing collapsed (knownText). */
  private vocabulary: Set<string> | undefined;

  /**
   * Whether a chart's free text (a diagnosis's description, a lab's test name) says nothing of its patient: it is only a word or phrase of the ruleset's own (a term it
   * matches, a lab test's name) or, for a diagnosis, the title of its code. `--redact` hashes any
   * other such text a finding quotes (redact.ts, sensitiveStrings).
   */
  knownText = (text: string, code?: string, day?: number): boolean => {
    const key = foldCase(spacing(text));
    if (key === '') return true;
    if (!this.vocabulary) {
      const v = new Set<string>();
      for (const m of this.ruleset.terms.values()) for (const t of m.terms) v.add(foldCase(spacing(t)));
      for (const lab of this.ruleset.labs.values()) for (const n of lab.names) v.add(foldCase(spacing(n)));
      this.vocabulary = v;
    }
    if (this.vocabulary.has(key)) return true;
    if (code === undefined || day === undefined) return false;
    const title = this.ruleset.codeTable.lookup(code, day)?.description;
    return title !== undefined && foldCase(spacing(title)) === key;
  };

  lint(chart: Chart, debug = false, queries = true): UnlocatedFinding[] {
    nextChart();
    forgetHits();
    forgetBoundaries();
    const ctx = new ChartContext(chart);
    const out: UnlocatedFinding[] = chart.labs.length ? labDataQuality(chart, this.ruleset.labs.values()) : [];
    diagnosisDataQuality(chart, out);
    const all = this.bySubject();
    const active = this.relevance ? this.relevantRules(chart, all) : all;
    if (active.size === 0) return out; // nothing any rule could fire on: the chart's checks are done
    const run = (kind: SubjectKind, scope: Scope, pointer: string): void => {
      const rules = active.get(kind);
      if (!rules) return;
      for (const pr of rules) this.apply(pr, scope, pointer, out, debug, queries);
    };
    run('chart', { ctx, chart, kind: 'chart', day: chart.encounters[0]?.date ?? 0 }, chart.ptr);
    for (const encounter of chart.encounters) {
      run('encounter', { ctx, chart, kind: 'encounter', encounter, day: encounter.date }, encounter.ptr);
      for (const diagnosis of encounter.diagnoses) {
        run('diagnosis', { ctx, chart, kind: 'diagnosis', encounter, diagnosis, day: encounter.date }, diagnosis.ptr);
      }
      for (const service of encounter.services) {
        run('service', { ctx, chart, kind: 'service', encounter, service, day: service.date }, service.ptr);
      }
    }
    if (active.has('lab')) {
      for (const lab of chart.labs) {
        if (lab.date === undefined) continue;
        const encounter = nearestEncounter(chart.encounters, lab.date);
        const scope: Scope = { ctx, chart, kind: 'lab', lab, day: lab.date };
        if (encounter) scope.encounter = encounter;
        run('lab', scope, lab.ptr);
      }
    }
    return out;
  }

  /**
   * The rules whose gate the chart passes, by subject, in ruleset order; subjects with none left
   * out. Gates read only the chart's facts, so charts with the same facts share the answer: a
   * night's routine visits come in a few hundred combinations of codes, settings and tests.
   */
  private relevantRules(chart: Chart, all: Map<SubjectKind, PreparedRule[]>): Map<SubjectKind, PreparedRule[]> {
    const key = factsKey(chart);
    const known = this.byFacts.get(key);
    if (known) return known;
    const facts = chartFacts(chart);
    const out = new Map<SubjectKind, PreparedRule[]>();
    if (this.byFacts.size >= FACTS_MEMO) this.byFacts.clear();
    this.byFacts.set(key, out);
    for (const [kind, rules] of all) {
      const kept = rules.filter((pr) => !pr.rule.gate || pr.rule.gate(facts));
      if (kept.length) out.set(kind, kept);
    }
    return out;
  }

  private apply(pr: PreparedRule, scope: Scope, pointer: string, out: UnlocatedFinding[], debug: boolean, queries: boolean): void {
    const { rule } = pr;
    const stats = this.ruleStats?.get(rule.id);
    const t0 = stats ? performance.now() : 0;
    try {
      if (rule.match && !rule.match(scope)) return;
      const outcome = rule.when(scope);
      if (!outcome) return;
      const cited: Outcome[] = [outcome];
      for (const c of rule.cite) {
        const o = c(scope);
        if (o) cited.push(o);
      }
      // A draft only where the rule asks for one; the cited conditions are its clinical indicators
      // (the `when` outcome is cited[0]).
      const query = queries && rule.query && (!rule.query.when || rule.query.when(scope)) ? rule.query : undefined;
      const { evidence: indicators, moreEvidence: moreIndicators = 0 } = query ? citedIndicators(cited) : NO_INDICATORS;
      // A finding about a diagnosis read through a concept map says so in its evidence.
      if (scope.kind === 'diagnosis' && scope.diagnosis?.mappedFrom)
        cited.unshift({ evidence: [diagnosisEvidence(scope.diagnosis)], bindings: {} });
      const all = merge(cited);
      const f: UnlocatedFinding = {
        ruleId: rule.id,
        severity: rule.severity,
        message: render(pr.template, scope, all.bindings),
        chartId: scope.chart.chartId,
        pointer,
        evidence: dedupe(all.evidence),
      };
      const evidenceFound = f.evidence.length + (all.moreEvidence ?? 0);
      if (evidenceFound > MAX_EVIDENCE) {
        f.moreEvidence = evidenceFound - MAX_EVIDENCE;
        f.evidence = f.evidence.slice(0, MAX_EVIDENCE);
      }
      if (query) f.query = buildQuery(query, scope, all.bindings, indicators, this.ruleset, moreIndicators);
      if (scope.encounter) f.encounterId = scope.encounter.id;
      if (!f.chartId) delete f.chartId;
      f.fingerprint = fingerprintOf(f, subjectOf(scope));
      out.push(f);
      if (stats) stats.findings++;
    } catch (err) {
      const f: UnlocatedFinding = {
        ruleId: ENGINE_RULES.internalError,
        severity: 'error',
        message: `Rule ${rule.id} failed on this chart: ${err instanceof Error ? err.message : String(err)}`,
        pointer,
        evidence: [],
      };
      if (scope.chart.chartId) f.chartId = scope.chart.chartId;
      if (debug && err instanceof Error && err.stack) f.stack = err.stack;
      out.push(f);
    } finally {
      if (stats) {
        stats.evaluations++;
        stats.ms += performance.now() - t0;
      }
    }
  }
}

const NO_INDICATORS: Outcome = { evidence: [], bindings: {} };

/** A query's indicators: the cited conditions' evidence, joined as a finding's is (what two found counts once). */
function citedIndicators(cited: readonly Outcome[]): Outcome {
  return cited.length > 1 ? merge(cited.slice(1)) : NO_INDICATORS;
}

function dedupe(evidence: EvidenceRef[]): EvidenceRef[] {
  if (evidence.length < 2) return evidence;
  const seen = new Set<string>();
  return evidence.filter((e) => {
    const k = `${e.kind}\u0000${e.pointer}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function nearestEncounter(encounters: readonly Encounter[], day: number): Encounter | undefined {
  let best: Encounter | undefined;
  for (const e of encounters) if (!best || Math.abs(e.date - day) < Math.abs(best.date - day)) best = e;
  return best;
}
