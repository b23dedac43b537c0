/** The formatters by name. Each is a pure function of the JSON report. */
import { codequality } from './codequality.js';
import { csv } from './csv.js';
import { github } from './github.js';
import { html } from './html.js';
import { json } from './json.js';
import { junit } from './junit.js';
import { queries } from './queries.js';
import { sarif } from './sarif.js';
import { stylish } from './stylish.js';
import type { Formatter } from './types.js';

export const FORMATTERS: ReadonlyMap<string, Formatter> = new Map<string, Formatter>([
  ['stylish', stylish],
  ['json', json],
  ['html', html],
  ['sarif', sarif],
  ['junit', junit],
  ['github', github],
  ['codequality', codequality],
  ['csv', csv],
  ['queries', queries],
]);

/**
 * The formats that show a finding's provider query draft. A run whose reports are all of other
 * formats builds no draft (the drafts are a third of a findings-heavy run's work).
 */
export const SHOWS_QUERIES: ReadonlySet<string> = new Set(['json', 'html', 'queries']);

/**
 * The formats that show when the run was made (and JUnit the machine's name): two runs over the
 * same charts write them differently, unless SOURCE_DATE_EPOCH fixes the time. A run's outputs
 * are replayed (src/run/replay.ts) only when no format of them is one of these, or the time is fixed.
 */
export const SHOWS_CLOCK: ReadonlySet<string> = new Set(['html', 'junit']);

/**
 * The formats another program interprets rather than shows: HTML (a browser runs markup), JUnit
 * (XML), CSV (a spreadsheet runs formulas), GitHub's (the runner runs its workflow commands), SARIF
 * (viewers render its Markdown messages and follow its links) and the query drafts (a Markdown
 * document). Each escapes what charts put in it; a replayed report (src/run/replay.ts) is not
 * made again but written as it was kept, so one of these is replayed only when the replay's seal
 * was made with a secret (B12LINT_CACHE_KEY, or this user's own key).
 */
export const INTERPRETED: ReadonlySet<string> = new Set(['html', 'junit', 'csv', 'github', 'sarif', 'queries']);
