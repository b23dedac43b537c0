/**
 * The floor for NDJSON: stream the files given (or every .ndjson file of the folders given) line
 * by line and JSON.parse each line, holding nothing.
 */
import { createReadStream, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const files = process.argv.slice(2).flatMap((p) =>
  statSync(p).isDirectory()
    ? readdirSync(p)
        .filter((f) => f.endsWith('.ndjson'))
        .sort()
        .map((f) => join(p, f))
    : [p],
);
let lines = 0;
for (const file of files) {
  let rest = '';
  for await (const chunk of createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
    const text = rest + chunk;
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      if (nl > start) {
        JSON.parse(text.slice(start, nl));
        lines++;
      }
      start = nl + 1;
    }
    rest = text.slice(start);
  }
  if (rest.trim()) {
    JSON.parse(rest);
    lines++;
  }
}
process.stdout.write(`${lines} lines\n`);
