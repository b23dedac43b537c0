/// <reference lib="dom" />
/** A finding's details row: its message, facts, rule docs, evidence, provider query draft and chart lines. */
import type { FindingRow, HtmlData, QueryRow } from '../data.js';
import { el } from './dom.js';

/** The chart lines around the finding, its own line marked; null when the report has none (redacted, or unreadable). */
function sourceBlock(data: HtmlData, r: FindingRow): Node | null {
  const lines = data.sources[r[2]];
  if (!lines || lines[r[3]] === undefined) return null;
  const pre = el('pre', { className: 'src' });
  let first = 0;
  let last = 0;
  const around = data.context[r[2]]!;
  for (let n = r[3] - around; n <= r[3] + around; n++) {
    const text = lines[n];
    if (text === undefined) continue;
    first = first || n;
    last = n;
    const hit = n === r[3];
    const line = el(
      'span',
      { className: hit ? 'line hit' : 'line' },
      el('span', { className: 'ln', text: String(n) }),
      el('span', { className: 'code', text: text || ' ' }),
    );
    if (hit) line.append(el('span', { className: 'vh', text: ' (the finding’s line)' }));
    pre.append(line);
  }
  const caption = el('figcaption', { text: `${data.files[r[2]]}, lines ${first}–${last}` });
  return el('figure', { className: 'source' }, caption, pre);
}

/** The provider query draft: indicators, the question and its options. */
function queryBox(q: QueryRow): HTMLElement {
  const box = el(
    'section',
    { className: 'query' },
    el('h3', { text: 'Provider query draft' }),
    el('p', { className: 'note', text: 'For a person to review against the record, edit and send; b12lint sends nothing.' }),
    el('h4', { text: 'Clinical indicators' }),
  );
  const inds = el('ul', { className: 'indicators' });
  for (const text of q.indicators) inds.append(el('li', { text }));
  if (!q.indicators.length) inds.append(el('li', { text: 'None found in the record: do not send this draft without them.' }));
  box.append(inds, el('p', { className: 'question' }, el('strong', { text: 'Question: ' }), document.createTextNode(q.question)));
  if (q.options.length) {
    const opts = el('ul', { className: 'options' });
    for (const text of q.options) opts.append(el('li', { text }));
    box.append(opts);
  }
  return box;
}

/** The rule, its documentation link, the location, chart and encounter. */
function facts(data: HtmlData, r: FindingRow): HTMLElement {
  const rule = data.rules[r[1]]!;
  const list = el('dl', { className: 'facts' });
  const fact = (name: string, value: Node | string): void => {
    list.append(el('dt', { text: name }), el('dd', {}, typeof value === 'string' ? document.createTextNode(value) : value));
  };
  const link = el('a', { text: `${rule.id}.md` });
  link.href = data.docsHref.replace('{id}', encodeURIComponent(rule.id));
  fact('Rule', `${rule.id}${rule.title ? ` — ${rule.title}` : ''}`);
  fact('Rule documentation', link);
  fact('Location', `${data.files[r[2]]}:${r[3]}:${r[4]}`);
  if (r[5]) fact('Chart', r[5]);
  if (r[6]) fact('Encounter', r[6]);
  return list;
}

/** The details row of finding `i`, shown under its row while open. */
export function detail(data: HtmlData, i: number): HTMLElement {
  const r = data.findings[i]!;
  const rule = data.rules[r[1]]!;
  const body = el('div', { className: 'detail-body' }, el('p', { className: 'message', text: data.messages[r[7]]! }));
  body.append(facts(data, r));
  if (rule.docs)
    body.append(el('details', {}, el('summary', { text: 'About this rule' }), el('p', { className: 'docs', text: rule.docs })));
  if (r[8].length) {
    const list = el('ul', { className: 'evidence' });
    for (const text of r[8]) list.append(el('li', { text }));
    body.append(el('h3', { text: 'Evidence' }), list);
  }
  if (r[9]) body.append(queryBox(r[9]));
  const src = sourceBlock(data, r);
  if (src) body.append(el('h3', { text: 'Chart' }), src);
  else if (data.redacted) body.append(el('p', { className: 'note', text: 'Chart lines are not shown in a redacted report.' }));
  const cell = el('td', {}, body);
  cell.colSpan = 8;
  const tr = el('tr', { className: 'detail' }, cell);
  tr.id = `detail-${i}`;
  return tr;
}
