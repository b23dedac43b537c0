/**
 * The HTML report in a real browser: Debian's headless Chromium (/usr/bin/chromium) driven by
 * playwright-core. Run by `npm run test:browser` (its own jest config), not by `npm test`, so the
 * unit tests need no browser; `.ci/run` installs Chromium and runs it. The report is opened from
 * a file: URL, as from an e-mail attachment or a CI artifact.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { parse } from 'yaml';
import { SEVERITIES } from '../../src/finding.js';
import { cli, cliJson, ROOT } from '../helpers/cli.js';
import type { Report } from '../../src/report/types.js';

const CHROMIUM = '/usr/bin/chromium';
const TMP = resolve(ROOT, 'test', '.tmp', 'browser');
const SCREENSHOT = join(TMP, 'html-report.png');

let context: BrowserContext;
let profile: string;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (the browser test needs it)`);
  mkdirSync(TMP, { recursive: true });
  profile = mkdtempSync(join(TMP, 'profile-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 1280, height: 900 },
  });
});

afterAll(async () => {
  await context?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

/** What the page did besides showing the report: requests to anything but the report itself, failed requests, console errors. */
interface Watch {
  page: Page;
  foreign: string[];
  failed: string[];
  errors: string[];
  dialogs: string[];
}

async function open(reportPath: string): Promise<Watch> {
  const url = pathToFileURL(reportPath).href;
  const page = await context.newPage();
  const w: Watch = { page, foreign: [], failed: [], errors: [], dialogs: [] };
  await page.route('**/*', (route) => {
    if (route.request().url() === url) return route.continue();
    w.foreign.push(route.request().url());
    return route.abort();
  });
  page.on('request', (r) => {
    if (r.url() !== url) w.foreign.push(r.url());
  });
  page.on('requestfailed', (r) => w.failed.push(r.url()));
  page.on('console', (m) => {
    if (m.type() === 'error') w.errors.push(m.text());
  });
  page.on('pageerror', (e) => w.errors.push(e.message));
  page.on('dialog', (d) => {
    w.dialogs.push(d.message());
    void d.dismiss();
  });
  await page.goto(url);
  await page.waitForSelector('#finding-status:not(:empty)');
  return w;
}

function expectQuiet(w: Watch): void {
  expect(w.foreign).toEqual([]);
  expect(w.failed).toEqual([]);
  expect(w.errors).toEqual([]);
  expect(w.dialogs).toEqual([]);
}

const rows = (p: Page) => p.locator('#finding-rows tr.finding');
const fmt = (n: number): string => n.toLocaleString('en-US');

function writeHtml(args: readonly string[], name: string): string {
  const out = join(TMP, name);
  const r = cli([...args, '--format', 'html', '-o', out]);
  if (r.code === 2) throw new Error(`b12lint failed: ${r.stderr}`);
  return out;
}

describe('the HTML report of fixtures/charts in Chromium', () => {
  let report: Report;
  let w: Watch;
  beforeAll(async () => {
    report = cliJson(['fixtures/charts']).report;
    w = await open(writeHtml(['fixtures/charts'], 'charts.html'));
  });
  afterAll(async () => {
    await w.page.close();
  });

  const total = (): number => report.results.reduce((n, r) => n + r.findings.length, 0);

  test("shows the JSON report's summary numbers", async () => {
    const s = report.summary;
    for (const [key, value] of Object.entries({
      files: s.files,
      charts: s.charts,
      encounters: s.encounters,
      errors: s.errors,
      warnings: s.warnings,
      infos: s.infos,
      findings: total(),
    })) {
      await expect(w.page.locator(`[data-summary="${key}"]`).innerText()).resolves.toBe(fmt(value));
    }
    await expect(w.page.locator('[data-summary="ruleset"]').innerText()).resolves.toContain(report.ruleset.name);
    const byRule = new Map<string, number>();
    for (const f of report.results.flatMap((r) => r.findings)) byRule.set(f.ruleId, (byRule.get(f.ruleId) ?? 0) + 1);
    const chart = await w.page.locator('#chart-rules-desc').textContent();
    for (const [rule, n] of byRule) expect(chart).toContain(`${rule}: ${n} (`);
  });

  test('lists every finding, and the severity filter changes the visible rows', async () => {
    expect(total()).toBeGreaterThan(report.summary.errors);
    await expect(rows(w.page).count()).resolves.toBe(total());
    await w.page.selectOption('#f-severity', { label: `error (${report.summary.errors})` });
    await expect(rows(w.page).count()).resolves.toBe(report.summary.errors);
    for (const badge of await w.page.locator('#finding-rows .badge').allInnerTexts()) expect(badge).toBe('error');
    await w.page.selectOption('#f-severity', '');
    await expect(rows(w.page).count()).resolves.toBe(total());
  });

  test('the search changes the visible rows', async () => {
    const rule = report.results.flatMap((r) => r.findings).find((f) => f.severity === 'warning')!.ruleId;
    const expected = report.results.flatMap((r) => r.findings).filter((f) => f.ruleId === rule).length;
    await w.page.fill('#f-text', rule);
    await w.page.waitForFunction((n) => document.querySelectorAll('#finding-rows tr.finding').length === n, expected);
    for (const text of await w.page.locator('#finding-rows td.rule').allInnerTexts()) expect(text).toBe(rule);
    await w.page.fill('#f-text', 'no finding says this');
    await w.page.waitForFunction(() => document.querySelectorAll('#finding-rows tr.finding').length === 0);
    await expect(w.page.locator('#finding-rows').innerText()).resolves.toContain('No findings match');
    await w.page.fill('#f-text', '');
    await w.page.waitForFunction((n) => document.querySelectorAll('#finding-rows tr.finding').length === n, total());
  });

  test('sorting by a column reorders the rows and says so', async () => {
    await w.page.click('th[data-sort="rule"] button');
    const asc = await w.page.locator('#finding-rows td.rule').allInnerTexts();
    expect(asc).toEqual([...asc].sort());
    await expect(w.page.locator('th[data-sort="rule"]').getAttribute('aria-sort')).resolves.toBe('ascending');
    await w.page.click('th[data-sort="rule"] button');
    await expect(w.page.locator('#finding-rows td.rule').allInnerTexts()).resolves.toEqual([...asc].reverse());
    await w.page.click('th[data-sort="severity"] button');
  });

  /** Shows one file's findings; the first row is then the file's most severe finding, first in the file. */
  async function onlyFile(file: string) {
    const findings = report.results.find((r) => r.file === file)!.findings;
    await w.page.selectOption('#f-file', { label: `${file} (${findings.length})` });
    return [...findings].sort((a, b) => SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity))[0]!;
  }
  const sourceLine = (file: string, line: number): string => readFileSync(resolve(ROOT, file), 'utf8').split('\n')[line - 1]!;

  test('a finding opens from the keyboard to its message, evidence, chart lines and rule doc', async () => {
    const file = 'fixtures/charts/p-0001.yaml';
    const first = await onlyFile(file);
    await w.page.locator('#finding-rows button.toggle').first().focus();
    await w.page.keyboard.press('Enter');
    const detail = w.page.locator('#finding-rows tr.detail');
    await expect(detail.locator('.message').innerText()).resolves.toBe(first.message);
    await expect(detail.locator('.src .hit .ln').innerText()).resolves.toBe(String(first.line));
    await expect(detail.locator('.src .hit .code').innerText()).resolves.toBe(sourceLine(file, first.line));
    await expect(detail.locator('.src .line').count()).resolves.toBe(5);
    await expect(detail.locator('a').getAttribute('href')).resolves.toBe(`docs/rules/${first.ruleId}.md`);
    await expect(detail.locator('.evidence li').count()).resolves.toBe(first.evidence.length);
    const second = await w.page.locator('#finding-rows button.toggle').nth(1).getAttribute('data-i');
    await w.page.keyboard.press('ArrowDown');
    await expect(w.page.evaluate(() => (document.activeElement as HTMLElement).dataset.i)).resolves.toBe(second);
    await w.page.selectOption('#f-file', '');
    await w.page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(existsSync(SCREENSHOT)).toBe(true);
  });

  test("in NDJSON only the finding's own line is shown (the others are other charts), cut around the finding", async () => {
    const file = report.results
      .map((r) => r.file)
      .find((f) => f.endsWith('.ndjson') && report.results.find((r) => r.file === f)!.findings.length)!;
    const first = await onlyFile(file);
    await w.page.locator('#finding-rows button.toggle').first().click();
    const src = w.page.locator('#finding-rows tr.detail .src');
    await expect(src.locator('.line').count()).resolves.toBe(1);
    await expect(src.locator('.hit .ln').innerText()).resolves.toBe(String(first.line));
    const shown = await src.locator('.hit .code').innerText();
    const line = sourceLine(file, first.line);
    expect(shown.length).toBeLessThan(line.length);
    for (const part of shown.replace(/^…|…$/g, '').split(' … ')) expect(line).toContain(part);
    await w.page.locator('#finding-rows button.toggle').first().click();
    await w.page.selectOption('#f-file', '');
  });

  test('no request left the page and nothing went wrong', () => {
    expectQuiet(w);
  });
});

test('markup in a chart and in messages is shown as text, never run', async () => {
  const dir = join(TMP, 'evil');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const chart = readFileSync(resolve(ROOT, 'fixtures/charts/p-0001.yaml'), 'utf8').replace(
    'description: Acute posthemorrhagic anemia',
    'description: "</script><script>window.pwned=1;alert(1)</script><img src=x onerror=\\"window.pwned=2\\"><!--"',
  );
  writeFileSync(join(dir, 'p-0001.yaml'), chart);
  const w = await open(writeHtml([dir], 'evil.html'));
  await w.page.locator('#finding-rows button.toggle').first().click();
  await expect(w.page.locator('#finding-rows .src').innerText()).resolves.toContain('<script>window.pwned=1;alert(1)</script><img src=x');
  await expect(w.page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).resolves.toBeUndefined();
  await expect(w.page.locator('#finding-rows img').count()).resolves.toBe(0);
  expectQuiet(w);
  await w.page.close();
});

test('50,000 findings: one page of rows, and the filters work over all of them', async () => {
  const dir = join(TMP, 'large');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const base = parse(readFileSync(resolve(ROOT, 'fixtures/charts/p-0001.yaml'), 'utf8')) as { chartId: string };
  copyFileSync(resolve(ROOT, 'fixtures/charts/p-0001.yaml'), join(dir, 'probe.yaml'));
  const probe = cliJson([join(dir, 'probe.yaml')]).report;
  rmSync(join(dir, 'probe.yaml'));
  const perChart = probe.results[0]!.findings.length;
  const charts = Math.ceil(50_000 / perChart);
  const lines = Array.from({ length: charts }, (_, i) => JSON.stringify({ ...base, chartId: `BULK-${String(i).padStart(6, '0')}` }));
  writeFileSync(join(dir, 'bulk.ndjson'), `${lines.join('\n')}\n`);
  const report = cliJson([dir]).report;
  const total = report.summary.errors + report.summary.warnings + report.summary.infos;
  expect(total).toBeGreaterThanOrEqual(50_000);

  const w = await open(writeHtml([dir], 'large.html'));
  await expect(rows(w.page).count()).resolves.toBe(100);
  await expect(w.page.locator('#finding-status').innerText()).resolves.toBe(`Showing 1–100 of ${fmt(total)} findings`);
  await w.page.selectOption('#f-severity', { label: `warning (${fmt(report.summary.warnings)})` });
  await expect(w.page.locator('#finding-status').innerText()).resolves.toBe(
    `Showing 1–100 of ${fmt(report.summary.warnings)} findings (filtered from ${fmt(total)})`,
  );
  await w.page.click('#page-next');
  await expect(w.page.locator('#finding-status').innerText()).resolves.toBe(
    `Showing 101–200 of ${fmt(report.summary.warnings)} findings (filtered from ${fmt(total)})`,
  );
  await w.page.selectOption('#f-severity', '');
  await w.page.fill('#f-text', 'BULK-000042');
  await w.page.waitForFunction((n) => document.querySelectorAll('#finding-rows tr.finding').length === n, perChart);
  for (const text of await w.page.locator('#finding-rows td:nth-child(6)').allInnerTexts()) expect(text).toBe('BULK-000042');
  expectQuiet(w);
  await w.page.close();
});

test("a finding's detail view shows its provider query draft: indicators, question and options", async () => {
  const args = ['-r', 'fixtures/rulesets/queries-recommended.yaml', 'fixtures/queries/charts.yaml'];
  const report = cliJson(args).report;
  const withQuery = report.results.flatMap((r) => r.findings).filter((f) => f.query);
  expect(withQuery.length).toBeGreaterThan(0);
  const w = await open(writeHtml(args, 'queries.html'));
  await w.page.fill('#f-text', 'Q-ETIO-1');
  await w.page.waitForFunction(() => document.querySelectorAll('#finding-rows tr.finding').length === 1);
  await w.page.locator('#finding-rows button.toggle').first().click();
  const q = withQuery.find((f) => f.chartId === 'Q-ETIO-1')!.query!;
  const box = w.page.locator('#finding-rows tr.detail section.query');
  await expect(box.locator('h3').innerText()).resolves.toBe('Provider query draft');
  await expect(box.locator('.question').innerText()).resolves.toBe(`Question: ${q.question}`);
  await expect(box.locator('.indicators li').allInnerTexts()).resolves.toEqual([
    'Assessment note, 2026-10-09: “Roux-en-Y gastric bypass in 2019.” (line 78)',
    'Lab result, 2026-09-15: Vitamin B12 160 pg/mL (line 80)',
  ]);
  await expect(box.locator('.options li').allInnerTexts()).resolves.toEqual(q.options);
  expectQuiet(w);
  await w.page.close();
});
