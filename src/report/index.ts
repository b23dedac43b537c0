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
