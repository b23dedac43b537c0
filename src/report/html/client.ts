/// <reference lib="dom" />
/**
 * The HTML report's script: the findings table (filter by severity, rule and file, text search,
 * sort by any column, pages of rows so 50,000 findings stay fast) and each finding's details.
 * It runs in the browser, not in Node: html.ts embeds `clientMain.toString()`, so the function
 * must stand alone (no imports at run time, nothing from module scope). It builds every element
 * with textContent, never innerHTML, so no chart or message text is ever parsed as markup.
 */
import type { FindingRow, HtmlData } from './data.js';

export function clientMain(): void {
  const dataEl = document.getElementById('b12-data');
  if (!dataEl?.textContent) return;
  const data = JSON.parse(dataEl.textContent) as HtmlData;
  const rows = data.findings;
  const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
  const query = $<HTMLInputElement>('f-text');
  const sevSel = $<HTMLSelectElement>('f-severity');
  const ruleSel = $<HTMLSelectElement>('f-rule');
  const fileSel = $<HTMLSelectElement>('f-file');
  const sizeSel = $<HTMLSelectElement>('f-page-size');
  const tbody = $<HTMLTableSectionElement>('finding-rows');
  const status = $('finding-status');
  const pageInfo = $('page-info');
  const fmt = (n: number): string => n.toLocaleString('en-US');

  const el = <K extends keyof HTMLElementTagNameMap>(tag: K, props: { className?: string; text?: string } = {}, ...children: Node[]): HTMLElementTagNameMap[K] => {
    const e = document.createElement(tag);
    if (props.className) e.className = props.className;
    if (props.text !== undefined) e.textContent = props.text;
    for (const c of children) e.append(c);
    return e;
  };

  /** A path that may wrap after each `/` (a <wbr> adds no text). */
  const breakable = (path: string): DocumentFragment => {
    const frag = document.createDocumentFragment();
    path.split('/').forEach((part, i, all) => {
      frag.append(i < all.length - 1 ? `${part}/` : part);
      if (i < all.length - 1) frag.append(el('wbr'));
    });
    return frag;
  };

  // Lower-cased text of each finding for the search, built once.
  const hay = rows.map((r) => [data.rules[r[1]]!.id, data.files[r[2]], r[5], r[6], data.messages[r[7]], ...r[8]].join('\n').toLowerCase());

  type Column = 'severity' | 'rule' | 'file' | 'line' | 'chart' | 'encounter' | 'message';
  const cmp = (a: string | number, b: string | number): number => (a < b ? -1 : a > b ? 1 : 0);
  const keys: Record<Column, (r: FindingRow) => (string | number)[]> = {
    severity: (r) => [r[0]],
    rule: (r) => [data.rules[r[1]]!.id],
    file: (r) => [data.files[r[2]]!, r[3], r[4]],
    line: (r) => [r[3], r[4]],
    chart: (r) => [r[5]],
    encounter: (r) => [r[6]],
    message: (r) => [data.messages[r[7]]!],
  };

  const state = { sort: 'severity' as Column, dir: 1, page: 0, size: Number(sizeSel.value) || 100 };
  const expanded = new Set<number>();
  let visible: number[] = [];

  function applyFilters(): void {
    const sev = sevSel.value === '' ? -1 : Number(sevSel.value);
    const rule = ruleSel.value === '' ? -1 : Number(ruleSel.value);
    const file = fileSel.value === '' ? -1 : Number(fileSel.value);
    const terms = query.value.toLowerCase().split(/\s+/).filter(Boolean);
    visible = [];
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i]!;
      if ((sev >= 0 && r[0] !== sev) || (rule >= 0 && r[1] !== rule) || (file >= 0 && r[2] !== file)) continue;
      if (terms.length && !terms.every((t) => hay[i]!.includes(t))) continue;
      visible.push(i);
    }
    sortVisible();
    state.page = 0;
    render();
  }

  function sortVisible(): void {
    const key = keys[state.sort];
    const k = new Map(visible.map((i) => [i, key(rows[i]!)]));
    visible.sort((a, b) => {
      const ka = k.get(a)!;
      const kb = k.get(b)!;
      for (let j = 0; j < ka.length; j++) {
        const c = cmp(ka[j]!, kb[j]!);
        if (c !== 0) return c * state.dir;
      }
      return a - b;
    });
    for (const th of document.querySelectorAll<HTMLTableCellElement>('th[data-sort]')) {
      if (th.dataset.sort === state.sort) th.setAttribute('aria-sort', state.dir > 0 ? 'ascending' : 'descending');
      else th.removeAttribute('aria-sort');
    }
  }

  function sourceBlock(r: FindingRow): Node | null {
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
      const line = el('span', { className: hit ? 'line hit' : 'line' }, el('span', { className: 'ln', text: String(n) }), el('span', { className: 'code', text: text || ' ' }));
      if (hit) line.append(el('span', { className: 'vh', text: ' (the finding’s line)' }));
      pre.append(line);
    }
    const caption = el('figcaption', { text: `${data.files[r[2]]}, lines ${first}–${last}` });
    return el('figure', { className: 'source' }, caption, pre);
  }

  function detail(i: number): HTMLElement {
    const r = rows[i]!;
    const rule = data.rules[r[1]]!;
    const body = el('div', { className: 'detail-body' }, el('p', { className: 'message', text: data.messages[r[7]]! }));
    const facts = el('dl', { className: 'facts' });
    const fact = (name: string, value: Node | string): void => {
      facts.append(el('dt', { text: name }), el('dd', {}, typeof value === 'string' ? document.createTextNode(value) : value));
    };
    const link = el('a', { text: `${rule.id}.md` });
    link.href = data.docsHref.replace('{id}', encodeURIComponent(rule.id));
    fact('Rule', `${rule.id}${rule.title ? ` — ${rule.title}` : ''}`);
    fact('Rule documentation', link);
    fact('Location', `${data.files[r[2]]}:${r[3]}:${r[4]}`);
    if (r[5]) fact('Chart', r[5]);
    if (r[6]) fact('Encounter', r[6]);
    body.append(facts);
    if (rule.docs) body.append(el('details', {}, el('summary', { text: 'About this rule' }), el('p', { className: 'docs', text: rule.docs })));
    if (r[8].length) {
      const list = el('ul', { className: 'evidence' });
      for (const text of r[8]) list.append(el('li', { text }));
      body.append(el('h3', { text: 'Evidence' }), list);
    }
    const q = r[9];
    if (q) {
      const box = el('section', { className: 'query' },
        el('h3', { text: 'Provider query draft' }),
        el('p', { className: 'note', text: 'For a person to review against the record, edit and send; b12lint sends nothing.' }),
        el('h4', { text: 'Clinical indicators' }));
      const inds = el('ul', { className: 'indicators' });
      for (const text of q.indicators) inds.append(el('li', { text }));
      if (!q.indicators.length) inds.append(el('li', { text: 'None found in the record: do not send this draft without them.' }));
      box.append(inds, el('p', { className: 'question' }, el('strong', { text: 'Question: ' }), document.createTextNode(q.question)));
      if (q.options.length) {
        const opts = el('ul', { className: 'options' });
        for (const text of q.options) opts.append(el('li', { text }));
        box.append(opts);
      }
      body.append(box);
    }
    const src = sourceBlock(r);
    if (src) body.append(el('h3', { text: 'Chart' }), src);
    else if (data.redacted) body.append(el('p', { className: 'note', text: 'Chart lines are not shown in a redacted report.' }));
    const cell = el('td', {}, body);
    cell.colSpan = 8;
    const tr = el('tr', { className: 'detail' }, cell);
    tr.id = `detail-${i}`;
    return tr;
  }

  function row(i: number): HTMLTableRowElement {
    const r = rows[i]!;
    const sev = data.severities[r[0]]!;
    const open = expanded.has(i);
    const toggle = el('button', { className: 'toggle' }, el('span', { className: 'vh', text: `Details of finding ${i + 1}` }));
    toggle.type = 'button';
    toggle.dataset.i = String(i);
    toggle.setAttribute('aria-expanded', String(open));
    toggle.setAttribute('aria-controls', `detail-${i}`);
    const tr = el('tr', { className: open ? 'finding open' : 'finding' },
      el('td', {}, toggle),
      el('td', {}, el('span', { className: `badge ${sev}`, text: sev })),
      el('td', { className: 'rule', text: data.rules[r[1]]!.id }),
      el('td', { className: 'file' }, breakable(data.files[r[2]]!)),
      el('td', { className: 'num', text: `${r[3]}:${r[4]}` }),
      el('td', { text: r[5] }),
      el('td', { text: r[6] }),
      el('td', { className: 'message' }, el('span', { className: 'clamp', text: data.messages[r[7]]! })));
    return tr;
  }

  function render(): void {
    const pages = Math.max(1, Math.ceil(visible.length / state.size));
    state.page = Math.max(0, Math.min(state.page, pages - 1));
    const from = state.page * state.size;
    const to = Math.min(visible.length, from + state.size);
    const frag = document.createDocumentFragment();
    for (const i of visible.slice(from, to)) {
      frag.append(row(i));
      if (expanded.has(i)) frag.append(detail(i));
    }
    if (visible.length === 0) {
      const cell = el('td', { className: 'empty', text: rows.length ? 'No findings match the filters.' : 'No findings.' });
      cell.colSpan = 8;
      frag.append(el('tr', {}, cell));
    }
    tbody.replaceChildren(frag);
    const of = visible.length === rows.length ? '' : ` (filtered from ${fmt(rows.length)})`;
    status.textContent = visible.length ? `Showing ${fmt(from + 1)}–${fmt(to)} of ${fmt(visible.length)} findings${of}` : `No findings shown${of}`;
    pageInfo.textContent = `Page ${fmt(state.page + 1)} of ${fmt(pages)}`;
    $<HTMLButtonElement>('page-first').disabled = $<HTMLButtonElement>('page-prev').disabled = state.page === 0;
    $<HTMLButtonElement>('page-next').disabled = $<HTMLButtonElement>('page-last').disabled = state.page >= pages - 1;
  }

  function toggle(button: HTMLButtonElement): void {
    const i = Number(button.dataset.i);
    const tr = button.closest('tr')!;
    if (expanded.delete(i)) {
      document.getElementById(`detail-${i}`)?.remove();
      tr.classList.remove('open');
    } else {
      expanded.add(i);
      tr.after(detail(i));
      tr.classList.add('open');
    }
    button.setAttribute('aria-expanded', String(expanded.has(i)));
  }

  tbody.addEventListener('click', (ev) => {
    const b = (ev.target as Element).closest<HTMLButtonElement>('button.toggle');
    if (b) toggle(b);
  });
  // Arrow keys, Home and End move between the findings of the page.
  tbody.addEventListener('keydown', (ev) => {
    const b = (ev.target as Element).closest<HTMLButtonElement>('button.toggle');
    if (!b) return;
    const all = [...tbody.querySelectorAll<HTMLButtonElement>('button.toggle')];
    const at = all.indexOf(b);
    const next = { ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: all.length - 1 }[ev.key];
    if (next === undefined || !all[next]) return;
    ev.preventDefault();
    all[next].focus();
  });
  for (const th of document.querySelectorAll<HTMLTableCellElement>('th[data-sort]')) {
    th.querySelector('button')!.addEventListener('click', () => {
      const col = th.dataset.sort as Column;
      state.dir = state.sort === col ? -state.dir : 1;
      state.sort = col;
      sortVisible();
      render();
    });
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  query.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(applyFilters, 120);
  });
  for (const s of [sevSel, ruleSel, fileSel]) s.addEventListener('change', applyFilters);
  sizeSel.addEventListener('change', () => {
    const first = state.page * state.size;
    state.size = Number(sizeSel.value);
    state.page = Math.floor(first / state.size);
    render();
  });
  const go = (id: string, page: () => number): void => {
    $(id).addEventListener('click', () => {
      state.page = page();
      render();
    });
  };
  go('page-first', () => 0);
  go('page-prev', () => state.page - 1);
  go('page-next', () => state.page + 1);
  go('page-last', () => Math.ceil(visible.length / state.size) - 1);
  // The top-files table filters the findings by its file.
  for (const b of document.querySelectorAll<HTMLButtonElement>('button[data-filter-file]')) {
    b.addEventListener('click', () => {
      fileSel.value = b.dataset.filterFile!;
      applyFilters();
      $('findings-heading').scrollIntoView();
      fileSel.focus();
    });
  }
  // `/` jumps to the search box, as on many sites.
  document.addEventListener('keydown', (ev) => {
    if (ev.key !== '/' || ev.ctrlKey || ev.metaKey || ev.altKey) return;
    const t = ev.target as Element;
    if (t.closest('input, select, textarea')) return;
    ev.preventDefault();
    query.focus();
  });
  document.body.classList.add('js');
  applyFilters();
}
