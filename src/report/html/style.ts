/**
 * The HTML report's style sheet, inlined into the page (the report is one file that works
 * offline). Colours pass WCAG AA: text at least 4.5:1, bars, borders and focus rings at least
 * 3:1. Print hides the controls and prints the current page of findings with its open details.
 */
import { SEVERITY_COLOURS } from './chart.js';

export const STYLE = `
:root { color-scheme: light; --fg: #1a1a1a; --muted: #4a4f57; --bg: #fff; --panel: #f4f5f7; --line: #8a94a6;
  --link: #0b57d0; --focus: #0b57d0; --hit: #fff3b0;
  --error: ${SEVERITY_COLOURS.error}; --warning: ${SEVERITY_COLOURS.warning}; --info: ${SEVERITY_COLOURS.info}; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
header, main, footer { max-width: 1280px; margin: 0 auto; padding: 0 20px; }
header { padding-top: 20px; }
h1 { font-size: 1.6rem; margin: 0 0 4px; }
h2 { font-size: 1.2rem; margin: 28px 0 10px; }
h3 { font-size: 1rem; margin: 14px 0 6px; }
a { color: var(--link); }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
.subtitle, .note, footer { color: var(--muted); }
.vh { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.skip { position: absolute; left: -9999px; }
.skip:focus { left: 20px; top: 8px; background: var(--bg); padding: 4px 8px; }
.summary { display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); gap: 10px; margin: 0; }
.summary div { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; }
.summary dt { color: var(--muted); font-size: .85rem; }
.summary dd { margin: 2px 0 0; font-size: 1.5rem; font-weight: 600; overflow-wrap: anywhere; }
.summary dd.small { font-size: 1rem; }
.summary .wide { grid-column: span 2; }
.summary .error dd { color: var(--error); } .summary .warning dd { color: var(--warning); } .summary .info dd { color: var(--info); }
.charts { display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 24px; }
@media (max-width: 900px) { .charts { grid-template-columns: 1fr; } }
.chart { max-width: 760px; font-size: 13px; fill: var(--fg); }
table { border-collapse: collapse; width: 100%; }
caption { text-align: left; color: var(--muted); padding: 4px 0; }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: var(--panel); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.file, td.rule { overflow-wrap: break-word; min-width: 9em; }
td.message { min-width: 18em; }
.clamp { display: -webkit-box; -webkit-line-clamp: 2; -webkit-box-orient: vertical; overflow: hidden; }
button { font: inherit; color: inherit; }
button.link { background: none; border: 0; padding: 0; color: var(--link); text-decoration: underline; cursor: pointer; text-align: left; overflow-wrap: anywhere; }
tbody th { background: none; font-weight: normal; }
th[data-sort] { white-space: nowrap; }
th[data-sort] button { background: none; border: 0; padding: 0; font-weight: 600; cursor: pointer; }
th[data-sort] button::after { content: " \\2195"; color: var(--muted); }
th[aria-sort="ascending"] button::after { content: " \\2191"; color: var(--fg); }
th[aria-sort="descending"] button::after { content: " \\2193"; color: var(--fg); }
.controls { display: flex; flex-wrap: wrap; gap: 10px 16px; align-items: end; margin-bottom: 10px; }
.controls label { display: flex; flex-direction: column; font-size: .85rem; color: var(--muted); gap: 2px; }
.controls input, .controls select { font: inherit; color: var(--fg); background: var(--bg); border: 1px solid var(--line); border-radius: 4px; padding: 4px 6px; max-width: 22em; }
.controls input { width: 22em; }
.status { margin: 6px 0; }
.badge { display: inline-block; min-width: 5.2em; text-align: center; padding: 1px 6px; border-radius: 10px; color: #fff; font-size: .8rem; font-weight: 600; }
.badge.error { background: var(--error); } .badge.warning { background: var(--warning); } .badge.info { background: var(--info); }
button.toggle { width: 28px; height: 28px; border: 1px solid var(--line); border-radius: 4px; background: var(--bg); cursor: pointer; }
button.toggle::before { content: "\\25B8"; }
button.toggle[aria-expanded="true"]::before { content: "\\25BE"; }
tr.open td { border-bottom: 0; background: var(--panel); }
tr.detail > td { background: var(--panel); }
.detail-body { padding: 0 8px 8px 36px; max-width: 1100px; }
.detail-body .message { font-weight: 600; margin: 4px 0 8px; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 0; }
.facts dt { color: var(--muted); }
.facts dd { margin: 0; overflow-wrap: anywhere; }
.docs { white-space: pre-wrap; }
.evidence { margin: 0; padding-left: 1.2em; }
.query { margin: 10px 0; padding: 4px 12px 8px; background: var(--bg); border: 1px solid var(--line); border-radius: 4px; }
.query h4 { margin: 8px 0 2px; font-size: .95rem; }
.query .indicators { margin: 0; padding-left: 1.2em; }
.query .options { margin: 0; padding-left: 0; list-style: none; }
.query .options li::before { content: "\\2610\\00A0"; }
figure.source { margin: 0; }
figure.source figcaption { color: var(--muted); font-size: .85rem; }
pre.src { margin: 4px 0 0; padding: 6px 0; background: var(--bg); border: 1px solid var(--line); border-radius: 4px; overflow-x: auto; font: 13px/1.5 ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; }
pre.src .line { display: block; padding: 0 10px 0 0; white-space: pre; }
pre.src .line.hit { background: var(--hit); box-shadow: inset 4px 0 0 var(--error); }
pre.src .ln { display: inline-block; min-width: 4em; padding-right: 12px; text-align: right; color: var(--muted); user-select: none; }
.pager { display: flex; gap: 8px; align-items: center; margin: 10px 0 30px; }
.pager button { border: 1px solid var(--line); border-radius: 4px; background: var(--bg); padding: 4px 10px; cursor: pointer; }
.pager button:disabled { color: var(--muted); cursor: default; }
body:not(.js) .needs-js { display: none; }
footer { border-top: 1px solid var(--line); padding: 12px 20px 30px; font-size: .85rem; }
@media print {
  body { font-size: 11pt; }
  .controls, .pager, .skip, #findings th:first-child, #findings td:first-child:not([colspan]) { display: none; }
  th[data-sort] button::after { content: none; }
  .clamp { display: inline; }
  button.link { color: var(--fg); text-decoration: none; }
  tr, .summary div, figure.source { break-inside: avoid; }
  thead { display: table-header-group; }
  .badge, pre.src .line.hit { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  .detail-body { padding-left: 0; }
}
`;
