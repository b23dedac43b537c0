/// <reference lib="dom" />
/**
 * The findings table: the rows that pass the filters, sorted by a column, a page of them at a
 * time, and the rows whose details are open.
 */
import type { FindingRow, HtmlData } from '../data.js';
import { breakable, byId, el, fmt } from './dom.js';
import { detail } from './detail.js';

export type Column = 'severity' | 'rule' | 'file' | 'line' | 'chart' | 'encounter' | 'message';

/** The filter controls and the parts of the page the table writes to. */
export interface Controls {
  query: HTMLInputElement;
  sevSel: HTMLSelectElement;
  ruleSel: HTMLSelectElement;
  fileSel: HTMLSelectElement;
  sizeSel: HTMLSelectElement;
  tbody: HTMLTableSectionElement;
  status: HTMLElement;
  pageInfo: HTMLElement;
}

export interface Table {
  data: HtmlData;
  rows: FindingRow[];
  controls: Controls;
  /** Lower-cased text of each finding for the search, built once. */
  hay: string[];
  keys: Record<Column, (r: FindingRow) => (string | number)[]>;
  state: { sort: Column; dir: number; page: number; size: number };
  expanded: Set<number>;
  /** Indexes of the findings that pass the filters, in the order shown. */
  visible: number[];
}

const cmp = (a: string | number, b: string | number): number => (a < b ? -1 : a > b ? 1 : 0);

export function createTable(data: HtmlData, controls: Controls): Table {
  const rows = data.findings;
  return {
    data,
    rows,
    controls,
    hay: rows.map((r) => [data.rules[r[1]]!.id, data.files[r[2]], r[5], r[6], data.messages[r[7]], ...r[8]].join('\n').toLowerCase()),
    keys: {
      severity: (r) => [r[0]],
      rule: (r) => [data.rules[r[1]]!.id],
      file: (r) => [data.files[r[2]]!, r[3], r[4]],
      line: (r) => [r[3], r[4]],
      chart: (r) => [r[5]],
      encounter: (r) => [r[6]],
      message: (r) => [data.messages[r[7]]!],
    },
    state: { sort: 'severity', dir: 1, page: 0, size: Number(controls.sizeSel.value) || 100 },
    expanded: new Set<number>(),
    visible: [],
  };
}

/** Keeps the findings that pass the filters and the search, sorted, from the first page. */
export function applyFilters(t: Table): void {
  const { sevSel, ruleSel, fileSel, query } = t.controls;
  const sev = sevSel.value === '' ? -1 : Number(sevSel.value);
  const rule = ruleSel.value === '' ? -1 : Number(ruleSel.value);
  const file = fileSel.value === '' ? -1 : Number(fileSel.value);
  const terms = query.value.toLowerCase().split(/\s+/).filter(Boolean);
  t.visible = [];
  for (let i = 0; i < t.rows.length; i++) {
    const r = t.rows[i]!;
    if ((sev >= 0 && r[0] !== sev) || (rule >= 0 && r[1] !== rule) || (file >= 0 && r[2] !== file)) continue;
    if (terms.length && !terms.every((term) => t.hay[i]!.includes(term))) continue;
    t.visible.push(i);
  }
  sortVisible(t);
  t.state.page = 0;
  render(t);
}

/** Sorts the shown findings by the sort column (ties in report order) and marks that column's header. */
export function sortVisible(t: Table): void {
  const key = t.keys[t.state.sort];
  const k = new Map(t.visible.map((i) => [i, key(t.rows[i]!)]));
  t.visible.sort((a, b) => {
    const ka = k.get(a)!;
    const kb = k.get(b)!;
    for (let j = 0; j < ka.length; j++) {
      const c = cmp(ka[j]!, kb[j]!);
      if (c !== 0) return c * t.state.dir;
    }
    return a - b;
  });
  for (const th of document.querySelectorAll<HTMLTableCellElement>('th[data-sort]')) {
    if (th.dataset.sort === t.state.sort) th.setAttribute('aria-sort', t.state.dir > 0 ? 'ascending' : 'descending');
    else th.removeAttribute('aria-sort');
  }
}

/** Finding `i`'s row, with the button that opens its details. */
function row(t: Table, i: number): HTMLTableRowElement {
  const { data } = t;
  const r = t.rows[i]!;
  const sev = data.severities[r[0]]!;
  const open = t.expanded.has(i);
  const toggle = el('button', { className: 'toggle' }, el('span', { className: 'vh', text: `Details of finding ${i + 1}` }));
  toggle.type = 'button';
  toggle.dataset.i = String(i);
  toggle.setAttribute('aria-expanded', String(open));
  toggle.setAttribute('aria-controls', `detail-${i}`);
  return el(
    'tr',
    { className: open ? 'finding open' : 'finding' },
    el('td', {}, toggle),
    el('td', {}, el('span', { className: `badge ${sev}`, text: sev })),
    el('td', { className: 'rule', text: data.rules[r[1]]!.id }),
    el('td', { className: 'file' }, breakable(data.files[r[2]]!)),
    el('td', { className: 'num', text: `${r[3]}:${r[4]}` }),
    el('td', { text: r[5] }),
    el('td', { text: r[6] }),
    el('td', { className: 'message' }, el('span', { className: 'clamp', text: data.messages[r[7]]! })),
  );
}

export const pageCount = (t: Table): number => Math.max(1, Math.ceil(t.visible.length / t.state.size));

/** Draws the current page of rows, the status line and the paging buttons. */
export function render(t: Table): void {
  const { state, visible, rows } = t;
  const pages = pageCount(t);
  state.page = Math.max(0, Math.min(state.page, pages - 1));
  const from = state.page * state.size;
  const to = Math.min(visible.length, from + state.size);
  const frag = document.createDocumentFragment();
  for (const i of visible.slice(from, to)) {
    frag.append(row(t, i));
    if (t.expanded.has(i)) frag.append(detail(t.data, i));
  }
  if (visible.length === 0) {
    const cell = el('td', { className: 'empty', text: rows.length ? 'No findings match the filters.' : 'No findings.' });
    cell.colSpan = 8;
    frag.append(el('tr', {}, cell));
  }
  t.controls.tbody.replaceChildren(frag);
  const of = visible.length === rows.length ? '' : ` (filtered from ${fmt(rows.length)})`;
  t.controls.status.textContent = visible.length
    ? `Showing ${fmt(from + 1)}–${fmt(to)} of ${fmt(visible.length)} findings${of}`
    : `No findings shown${of}`;
  t.controls.pageInfo.textContent = `Page ${fmt(state.page + 1)} of ${fmt(pages)}`;
  byId<HTMLButtonElement>('page-first').disabled = byId<HTMLButtonElement>('page-prev').disabled = state.page === 0;
  byId<HTMLButtonElement>('page-next').disabled = byId<HTMLButtonElement>('page-last').disabled = state.page >= pages - 1;
}

/** Opens or closes the details of the finding whose toggle button this is. */
export function toggle(t: Table, button: HTMLButtonElement): void {
  const i = Number(button.dataset.i);
  const tr = button.closest('tr')!;
  if (t.expanded.delete(i)) {
    document.getElementById(`detail-${i}`)?.remove();
    tr.classList.remove('open');
  } else {
    t.expanded.add(i);
    tr.after(detail(t.data, i));
    tr.classList.add('open');
  }
  button.setAttribute('aria-expanded', String(t.expanded.has(i)));
}
