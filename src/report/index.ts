/** The formatters by name. Each is a pure function of the JSON report. */
import { html } from './html.js';
import { json } from './json.js';
import { stylish } from './stylish.js';
import type { Formatter } from './types.js';

export const FORMATTERS: ReadonlyMap<string, Formatter> = new Map<string, Formatter>([
  ['stylish', stylish],
  ['json', json],
  ['html', html],
]);
