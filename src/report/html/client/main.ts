/// <reference lib="dom" />
/**
 * The HTML report's script: the findings table (filter by severity, rule and file, text search,
 * sort by any column, pages of rows so 50,000 findings stay fast) and each finding's details.
 * It runs in the browser, not in Node: scripts/bundle.mjs bundles this module and the ones it
 * imports into one script at build time, which html.ts embeds (its hash is in the page's
 * Content-Security-Policy). It builds every element with textContent, never innerHTML, so no
 * chart or message text is ever parsed as markup.
 */
import type { HtmlData } from '../data.js';
import { byId } from './dom.js';
import { applyFilters, createTable, render, sortVisible, toggle, type Column, type Controls, type Table } from './table.js';

/** The toggle buttons open and close details; arrow keys, Home and End move between the findings of the page. */
function wireRows(t: Table): void {
  const { tbody } = t.controls;
  tbody.addEventListener('click', (ev) => {
    const b = (ev.target as Element).closest<HTMLButtonElement>('button.toggle');
    if (b) toggle(t, b);
  });
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
      t.state.dir = t.state.sort === col ? -t.state.dir : 1;
      t.state.sort = col;
      sortVisible(t);
      render(t);
    });
  }
}

/** The search box (after a pause in typing), the filter selects and the top-files table's buttons. */
function wireFilters(t: Table): void {
  const { query, sevSel, ruleSel, fileSel } = t.controls;
  let timer: ReturnType<typeof setTimeout> | undefined;
  query.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => applyFilters(t), 120);
  });
  for (const s of [sevSel, ruleSel, fileSel]) s.addEventListener('change', () => applyFilters(t));
  // The top-files table filters the findings by its file.
  for (const b of document.querySelectorAll<HTMLButtonElement>('button[data-filter-file]')) {
    b.addEventListener('click', () => {
      fileSel.value = b.dataset.filterFile!;
      applyFilters(t);
      byId('findings-heading').scrollIntoView();
      fileSel.focus();
    });
  }
  // `/` jumps to the search box, as on many sites.
  document.addEventListener('keydown', (ev) => {
    if (ev.key !== '/' || ev.ctrlKey || ev.metaKey || ev.altKey) return;
    const target = ev.target as Element;
    if (target.closest('input, select, textarea')) return;
    ev.preventDefault();
    query.focus();
  });
}

/** The page size (keeping the first finding shown in view) and the first, previous, next and last page buttons. */
function wirePages(t: Table): void {
  const { state } = t;
  const { sizeSel } = t.controls;
  sizeSel.addEventListener('change', () => {
    const first = state.page * state.size;
    state.size = Number(sizeSel.value);
    state.page = Math.floor(first / state.size);
    render(t);
  });
  const go = (id: string, page: () => number): void => {
    byId(id).addEventListener('click', () => {
      state.page = page();
      render(t);
    });
  };
  go('page-first', () => 0);
  go('page-prev', () => state.page - 1);
  go('page-next', () => state.page + 1);
  go('page-last', () => Math.ceil(t.visible.length / state.size) - 1);
}

function main(): void {
  const dataEl = document.getElementById('b12-data');
  if (!dataEl?.textContent) return;
  const data = JSON.parse(dataEl.textContent) as HtmlData;
  const controls: Controls = {
    query: byId<HTMLInputElement>('f-text'),
    sevSel: byId<HTMLSelectElement>('f-severity'),
    ruleSel: byId<HTMLSelectElement>('f-rule'),
    fileSel: byId<HTMLSelectElement>('f-file'),
    sizeSel: byId<HTMLSelectElement>('f-page-size'),
    tbody: byId<HTMLTableSectionElement>('finding-rows'),
    status: byId('finding-status'),
    pageInfo: byId('page-info'),
  };
  const t = createTable(data, controls);
  wireRows(t);
  wireFilters(t);
  wirePages(t);
  document.body.classList.add('js');
  applyFilters(t);
}

main();
