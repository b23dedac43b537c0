/**
 * Message placeholders: `{{service.code}}`, `{{diagnoses.linked}}`, `{{lab.b12.value}}`, and
 * sections that render only when a value is there: `{{#lab.b12}} (B12 {{lab.b12.value}}){{/lab.b12}}`
 * (`{{^name}}...{{/name}}` renders only when it is not).
 */
import type { Diagnosis } from '../chart/model.js';
import { formatDay } from '../chart/normalize.js';
import type { Bindings, Scope } from './types.js';
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

/** Every placeholder name a template uses. */
export function templateNames(parts: readonly TemplatePart[], out: string[] = []): string[] {
  for (const p of parts) {
    if (p.name) out.push(p.name);
    if (p.body) templateNames(p.body, out);
  }
  return out;
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

/** The spacing of a message: one space between words, none before `.,;:)`, none at the ends (what a value becomes in it). */
export function spacing(text: string): string {
  // Every run of white space becomes one space: only the runs that are not one space already are
  // replaced (most messages have none), then a space before punctuation goes.
  return text
    .replace(/\s{2,}|[^\S ]/g, ' ')
    .replace(/ ([.,;:)])/g, '$1')
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
