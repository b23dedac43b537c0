/**
 * `--format html`: one self-contained page for the people who read the nightly results (coding
 * managers, auditors). Style, script and data are inline; a Content-Security-Policy allows only
 * that style and script (by hash) and no fetch of any kind, so the page works offline from an
 * e-mail or a CI artifact and cannot call out. The summary, the charts and the top files are
 * written here as static markup (they print and read without script); the findings table is drawn
 * by the page's script from the data embedded as JSON. Every report string is escaped here or set
 * as text by the script, so markup in a message or a chart is shown, never run.
 */
import { createHash } from 'node:crypto';
import { SEVERITIES } from '../finding.js';
import { barChart, total, type Bar, type Tally } from './html/chart.js';
import { CLIENT_SCRIPT } from './html/client-script.js';
import { htmlData, scriptJson, type HtmlData } from './html/data.js';
import { esc } from './html/escape.js';
import { STYLE } from './html/style.js';
import type { FormatOptions, Formatter, Report } from './types.js';
import { grouped } from '../core/numbers.js';

/** Rules drawn as bars; the rest are summed into one bar. */
const MAX_RULE_BARS = 20;
const TOP_FILES = 10;
const PAGE_SIZES = [50, 100, 250, 1000];
const DEFAULT_PAGE_SIZE = 100;

/** The page's script, bundled from src/report/html/client/ at build time (scripts/bundle.mjs). */
const SCRIPT = CLIENT_SCRIPT;
const sha256 = (s: string): string => `'sha256-${createHash('sha256').update(s, 'utf8').digest('base64')}'`;
const CSP = `default-src 'none'; script-src ${sha256(SCRIPT)}; style-src ${sha256(STYLE)}; base-uri 'none'; form-action 'none'`;

const num = (n: number): string => grouped(n);

/** Findings per severity for each value of one column of the rows (rule or file index). */
function tally(data: HtmlData, column: 1 | 2): Map<number, Tally> {
  const out = new Map<number, Tally>();
  for (const r of data.findings) {
    let t = out.get(r[column]);
    if (!t) out.set(r[column], (t = [0, 0, 0]));
    t[r[0]]++;
  }
  return out;
}

/** Largest first, then by name. */
function ranked(counts: Map<number, Tally>, names: readonly string[]): [number, Tally][] {
  return [...counts].sort((a, b) => total(b[1]) - total(a[1]) || (names[a[0]]! < names[b[0]]! ? -1 : 1));
}

/** The run's time, `YYYY-MM-DDTHH:MM:SS` in UTC (FormatOptions.timestamp), to the minute; anything else as given. */
function runTime(timestamp: string): string {
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/.test(timestamp)) return esc(timestamp);
  return `<time datetime="${timestamp}Z">${timestamp.slice(0, 16).replace('T', ' ')} UTC</time>`;
}

function summary(report: Report, options: FormatOptions): string {
  const s = report.summary;
  const card = (name: string, value: string, key: string, cls = ''): string =>
    `<div${cls ? ` class="${cls}"` : ''}><dt>${name}</dt><dd data-summary="${key}"${cls.includes('text') ? ' class="small"' : ''}>${value}</dd></div>`;
  return `<dl class="summary">${[
    card('Findings', num(s.errors + s.warnings + s.infos), 'findings'),
    card('Errors', num(s.errors), 'errors', 'error'),
    card('Warnings', num(s.warnings), 'warnings', 'warning'),
    card('Infos', num(s.infos), 'infos', 'info'),
    card('Files', num(s.files), 'files'),
    card('Charts', num(s.charts), 'charts'),
    options.chartsWithFindings !== undefined ? card('Charts with findings', num(options.chartsWithFindings), 'chartsWithFindings') : '',
    card('Encounters', num(s.encounters), 'encounters'),
    card('Ruleset', `${esc(report.ruleset.name)}<br>${num(report.ruleset.rules)} rules`, 'ruleset', 'text wide'),
    card('b12lint', esc(report.tool.version), 'version', 'text'),
    options.timestamp ? card('Run', runTime(options.timestamp), 'timestamp', 'text') : '',
  ].join('')}</dl>`;
}

function ruleChart(data: HtmlData): string {
  const rows = ranked(
    tally(data, 1),
    data.rules.map((r) => r.id),
  );
  if (rows.length === 0) return '<p>No findings.</p>';
  const bars: Bar[] = rows.slice(0, MAX_RULE_BARS).map(([i, counts]) => ({ label: data.rules[i]!.id, counts }));
  const rest = rows.slice(MAX_RULE_BARS);
  if (rest.length) {
    const counts: Tally = [0, 0, 0];
    for (const [, t] of rest)
      t.forEach((n, s) => {
        counts[s] += n;
      });
    bars.push({ label: `${rest.length} other rules`, counts });
  }
  return barChart('chart-rules', 'Findings by rule', bars);
}

function topFiles(data: HtmlData): string {
  const rows = ranked(tally(data, 2), data.files).slice(0, TOP_FILES);
  if (rows.length === 0) return '<p>No findings.</p>';
  const body = rows
    .map(
      ([i, t]) =>
        `<tr><th scope="row"><button type="button" class="link" data-filter-file="${i}">${esc(data.files[i]!)}</button></th>` +
        `${t.map((n) => `<td class="num">${num(n)}</td>`).join('')}<td class="num">${num(total(t))}</td></tr>`,
    )
    .join('');
  return (
    `<table class="top-files"><caption>The ${rows.length === 1 ? 'file' : `${rows.length} files`} with the most findings; choose one to filter the table below.</caption>` +
    `<thead><tr><th scope="col">File</th>${SEVERITIES.map((s) => `<th scope="col" class="num">${s}</th>`).join('')}<th scope="col" class="num">total</th></tr></thead>` +
    `<tbody>${body}</tbody></table>`
  );
}

function optionTags(values: readonly [value: string, label: string][]): string {
  return values.map(([v, l]) => `<option value="${esc(v)}">${esc(l)}</option>`).join('');
}

function filters(data: HtmlData): string {
  const bySev = new Map<number, number>();
  for (const r of data.findings) bySev.set(r[0], (bySev.get(r[0]) ?? 0) + 1);
  const byName = (names: readonly string[], counts: Map<number, Tally>): [string, string][] =>
    [...counts].sort((a, b) => (names[a[0]]! < names[b[0]]! ? -1 : 1)).map(([i, t]) => [String(i), `${names[i]} (${num(total(t))})`]);
  return `<div class="controls needs-js">
<label>Search <input type="search" id="f-text" placeholder="message, code, chart id…" autocomplete="off"></label>
<label>Severity <select id="f-severity"><option value="">all</option>${optionTags(SEVERITIES.map((s, i) => [String(i), `${s} (${num(bySev.get(i) ?? 0)})`]))}</select></label>
<label>Rule <select id="f-rule"><option value="">all rules</option>${optionTags(
    byName(
      data.rules.map((r) => r.id),
      tally(data, 1),
    ),
  )}</select></label>
<label>File <select id="f-file"><option value="">all files</option>${optionTags(byName(data.files, tally(data, 2)))}</select></label>
<label>Per page <select id="f-page-size">${PAGE_SIZES.map((n) => `<option${n === DEFAULT_PAGE_SIZE ? ' selected' : ''}>${n}</option>`).join('')}</select></label>
</div>`;
}

function findingsTable(): string {
  const col = (key: string, label: string, cls = ''): string =>
    `<th scope="col" data-sort="${key}"${cls ? ` class="${cls}"` : ''}><button type="button">${label}</button></th>`;
  return `<p id="finding-status" class="status needs-js" role="status" aria-live="polite"></p>
<table id="findings"><caption class="vh">Findings; the column buttons sort, each row's first button opens its details, arrow keys move between rows.</caption>
<thead><tr><th scope="col"><span class="vh">Details</span></th>${col('severity', 'Severity')}${col('rule', 'Rule')}${col('file', 'File')}${col('line', 'Line', 'num')}${col('chart', 'Chart')}${col('encounter', 'Encounter')}${col('message', 'Message')}</tr></thead>
<tbody id="finding-rows"></tbody></table>
<noscript><p>The findings table needs JavaScript. The summary above is complete; <code>--format json</code> gives every finding.</p></noscript>
<nav class="pager needs-js" aria-label="Pages of findings">
<button type="button" id="page-first">First</button><button type="button" id="page-prev">Previous</button>
<span id="page-info"></span>
<button type="button" id="page-next">Next</button><button type="button" id="page-last">Last</button>
</nav>`;
}

export const html: Formatter = (report, opts) => {
  const data = htmlData(report, opts);
  const redacted = data.redacted ? ' <strong>Redacted:</strong> no chart text in this report.' : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${esc(CSP)}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>b12lint report: ${esc(report.ruleset.name)}</title>
<style>${STYLE}</style>
</head>
<body>
<a class="skip" href="#findings-heading">Skip to the findings</a>
<header>
<h1>b12lint report</h1>
<p class="subtitle">Ruleset ${esc(report.ruleset.name)}, b12lint ${esc(report.tool.version)}${opts.timestamp ? `, run ${runTime(opts.timestamp)}` : ''}.${redacted}</p>
</header>
<main>
<section aria-labelledby="summary-heading"><h2 id="summary-heading">Summary</h2>${summary(report, opts)}</section>
<div class="charts">
<section aria-labelledby="rules-heading"><h2 id="rules-heading">Findings by rule</h2>${ruleChart(data)}</section>
<section aria-labelledby="files-heading"><h2 id="files-heading">Top files</h2>${topFiles(data)}</section>
</div>
<section aria-labelledby="findings-heading"><h2 id="findings-heading" tabindex="-1">Findings</h2>
${filters(data)}
${findingsTable()}
</section>
</main>
<footer>Written by b12lint ${esc(report.tool.version)}. This page is self-contained and makes no network requests. Rule documentation links point to <code>docs/rules/</code> next to this file.</footer>
<script type="application/json" id="b12-data">${scriptJson(data)}</script>
<script>${SCRIPT}</script>
</body>
</html>
`;
};
