/**
 * Message placeholders: `{{service.code}}`, `{{diagnoses.linked}}`, `{{lab.b12.value}}`, and
 * sections that render only when a value is there: `{{#lab.b12}} (B12 {{lab.b12.value}}){{/lab.b12}}`
 * (`{{^name}}...{{/name}}` renders only when it is not).
 */
import { SUBJECT_FIELDS, type Diagnosis } from '../chart/model.js';
import { formatDay } from '../chart/normalize.js';
import { ASSERTIONS } from './context.js';
import { didYouMean } from './suggest.js';
import type { Bindings, Scope, SubjectKind } from './types.js';
import { ownValue } from '../core/own.js';
import { shownValue } from '../core/shown.js';

// The spaces after a sigil are its own, not a second run beside the first (a long run of spaces
// could be split every way); no sigil leaves group 1 undefined.
const TOKEN = /\{\{\s*(?:([#^/])\s*)?([A-Za-z0-9_.-]+)\s*\}\}/g;

export interface TemplatePart {
  kind: 'text' | 'value' | 'section' | 'inverted';
  text?: string;
  name?: string;
  body?: TemplatePart[];
}

export class TemplateError extends Error {}

export function parseTemplate(src: string): TemplatePart[] {
  const root: TemplatePart[] = [];
  const stack: { name: string; parts: TemplatePart[] }[] = [{ name: '', parts: root }];
  let last = 0;
  for (const m of src.matchAll(TOKEN)) {
    const top = stack[stack.length - 1]!;
    if (m.index! > last) top.parts.push({ kind: 'text', text: src.slice(last, m.index) });
    last = m.index! + m[0].length;
    const [, sigil, name] = m;
    if (sigil === '#' || sigil === '^') {
      const body: TemplatePart[] = [];
      top.parts.push({ kind: sigil === '#' ? 'section' : 'inverted', name: name!, body });
      stack.push({ name: name!, parts: body });
    } else if (sigil === '/') {
      if (stack.length === 1 || top.name !== name) throw new TemplateError(`\`{{/${name}}}\` closes a section that is not open`);
      stack.pop();
    } else {
      top.parts.push({ kind: 'value', name: name! });
    }
  }
  if (stack.length > 1) throw new TemplateError(`section \`{{#${stack[stack.length - 1]!.name}}}\` is not closed`);
  if (last < src.length) root.push({ kind: 'text', text: src.slice(last) });
  return root;
}

/** The names a template writes into its text (its values, not the sections that only test a name). */
export function valueNames(parts: readonly TemplatePart[], out: string[] = []): string[] {
  for (const p of parts) {
    if (p.kind === 'value' && p.name) out.push(p.name);
    if (p.body) valueNames(p.body, out);
  }
  return out;
}

/** Every placeholder name a template uses. */
export function templateNames(parts: readonly TemplatePart[], out: string[] = []): string[] {
  for (const p of parts) {
    if (p.name) out.push(p.name);
    if (p.body) templateNames(p.body, out);
  }
  return out;
}

/**
 * What each placeholder root names after its dot: the subject's fields a message reads
 * (`scopeValue` below), or what a condition binds (`{{text.excerpt}}`, `{{count.dates}}`). `lab`
 * and `field` are checked on their own: a lab test of the ruleset, a field of the subject.
 */
export const MEMBERS: Readonly<Record<string, readonly string[]>> = {
  service: ['code', 'codeText', 'units', 'date', 'dateText', 'dose'],
  diagnosis: ['code', 'codeText', 'description', 'status', 'rank', 'system', 'matched'],
  diagnoses: ['linked', 'all', 'unlinked', 'matched'],
  services: ['matched'],
  encounter: ['id', 'date', 'setting'],
  chart: ['id'],
  text: ['term', 'excerpt', 'assertion', ...ASSERTIONS],
  count: ['value', 'dates', 'within'],
  code: ['description', 'table'],
  medication: ['name', 'term'],
  pair: ['other', 'note', 'until', 'from'],
  mention: ['term', 'excerpt', 'assertion', 'code', 'name', 'note'],
  dose: ['expected', 'written', 'units', 'lines', 'amount', 'note', 'per'],
  subcodes: ['list'],
  measure: ['amount', 'excerpt', 'term'],
};
const ROOTS = [...Object.keys(MEMBERS), 'lab', 'field'];
/** What a lab test's result holds in a message (`{{lab.b12.value}}`; evidence.ts, labBinding). */
const LAB_MEMBERS = ['value', 'unit', 'result', 'date', 'written', 'writtenUnit', 'test'];

/**
 * Why a placeholder names nothing a message of a rule on `on` could show, or undefined when it
 * names something: a placeholder that never renders would leave a blank (or "?") in every finding.
 */
export function placeholderProblem(name: string, on: SubjectKind, labs: ReadonlyMap<string, unknown>): string | undefined {
  const [root, ...rest] = name.split('.');
  const member = rest.join('.');
  if (root === 'lab') {
    const [test, of, ...more] = rest;
    // A lab rule's own result: {{lab.value}}, {{lab.unit}}.
    if (on === 'lab' && test !== undefined && of === undefined && SUBJECT_FIELDS.lab.includes(test)) return undefined;
    if (test === undefined || !labs.has(test))
      return `placeholder {{${name}}} names no lab test of the ruleset.${test ? didYouMean(test, labs.keys()) : ''}`;
    if (of === undefined || (LAB_MEMBERS.includes(of) && more.length === 0)) return undefined;
    return `placeholder {{${name}}}: a lab result shows ${LAB_MEMBERS.join(', ')}.${didYouMean(rest.slice(1).join('.'), LAB_MEMBERS)}`;
  }
  if (root === 'field') {
    if (SUBJECT_FIELDS[on].includes(member)) return undefined;
    return `placeholder {{${name}}} names no field of a ${on}.${didYouMean(member, SUBJECT_FIELDS[on])}`;
  }
  const members = MEMBERS[root!];
  if (!members) return `unknown placeholder {{${name}}}.${didYouMean(root!, ROOTS)}`;
  if (members.includes(member)) return undefined;
  return `unknown placeholder {{${name}}}: ${root} has ${members.join(', ')}.${didYouMean(member, members)}`;
}

function codes(ds: readonly Diagnosis[]): string {
  return ds.map((d) => d.code).join(', ');
}

/** The value a placeholder stands for, or undefined. */
export function lookup(name: string, scope: Scope, bindings: Bindings): unknown {
  if (Object.prototype.hasOwnProperty.call(bindings, name)) return bindings[name];
  // `lab.b12.value`: the binding `lab.b12`, then its member.
  const dot = name.lastIndexOf('.');
  if (dot > 0) {
    const head = name.slice(0, dot);
    if (Object.prototype.hasOwnProperty.call(bindings, head)) {
      const b = bindings[head];
      if (b && typeof b === 'object') return member(b, name.slice(dot + 1));
    }
  }
  const [root, key] = [name.slice(0, name.indexOf('.') < 0 ? name.length : name.indexOf('.')), name.slice(name.indexOf('.') + 1)];
  return scopeValue(root, key, scope);
}

/** An object's own member: a placeholder's name is ruleset or config text, and `{{service.constructor}}` names none. */
function member(o: object, key: string): unknown {
  return ownValue(o as Record<string, unknown>, key);
}

/** `root.key` read from the finding's scope (`service.date`, `lab.value`, `chart.id`, ...). */
function scopeValue(root: string, key: string, scope: Scope): unknown {
  switch (root) {
    case 'service': {
      const s = scope.service;
      if (!s) return undefined;
      if (key === 'date') return s.dateText;
      if (key === 'dose') return s.dose ? `${s.dose.value} ${s.dose.unit}` : undefined;
      return member(s, key);
    }
    case 'diagnosis': {
      const d = scope.diagnosis;
      if (!d) return undefined;
      return member(d, key);
    }
    case 'diagnoses': {
      const e = scope.encounter;
      if (!e) return undefined;
      if (key === 'linked') return codes(scope.service?.linked ?? e.diagnoses);
      if (key === 'all') return codes(e.diagnoses);
      return undefined;
    }
    case 'encounter': {
      const e = scope.encounter;
      if (!e) return undefined;
      if (key === 'date') return e.dateText;
      if (key === 'id' || key === 'setting') return e[key];
      return undefined;
    }
    case 'chart':
      return key === 'id' ? scope.chart.chartId : undefined;
    case 'lab': {
      const l = scope.lab;
      if (!l) return undefined;
      if (key === 'date') return l.dateText ?? (l.date !== undefined ? formatDay(l.date) : undefined);
      if (key === 'value') return l.valueText;
      return member(l, key);
    }
    default:
      return undefined;
  }
}

function present(v: unknown): boolean {
  return v !== undefined && v !== null && v !== '' && v !== false && !(Array.isArray(v) && v.length === 0);
}

export function render(parts: readonly TemplatePart[], scope: Scope, bindings: Bindings): string {
  return spacing(renderParts(parts, scope, bindings));
}

/**
 * The spacing of a message: one space between words, none before `.,;:)`, none at the ends (what a
 * value becomes in it). Not before an ellipsis: a quote elides words with one ("Denies ... melena").
 */
export function spacing(text: string): string {
  // Every run of white space becomes one space: only the runs that are not one space already are
  // replaced (most messages have none), then a space before punctuation goes.
  return text
    .replace(/\s{2,}|[^\S ]/g, ' ')
    .replace(/ ([,;:)]|\.(?!\.\.))/g, '$1')
    .trim();
}

function renderParts(parts: readonly TemplatePart[], scope: Scope, bindings: Bindings): string {
  let out = '';
  for (const p of parts) {
    switch (p.kind) {
      case 'text':
        out += p.text;
        break;
      case 'value': {
        const v = lookup(p.name!, scope, bindings);
        out += v === undefined || v === null ? '?' : shownValue(String(v));
        break;
      }
      case 'section':
        if (present(lookup(p.name!, scope, bindings))) out += renderParts(p.body!, scope, bindings);
        break;
      case 'inverted':
        if (!present(lookup(p.name!, scope, bindings))) out += renderParts(p.body!, scope, bindings);
        break;
    }
  }
  return out;
}
