/**
 * Bytes to text. Chart files are UTF-8 (a byte-order mark is accepted and dropped) or UTF-16 with
 * a byte-order mark (decoded). Bytes that are not text are never guessed at: invalid UTF-8 (such
 * as Latin-1 or Windows-1252 "é", byte 0xE9), NUL bytes (a binary file, or UTF-16 without a mark)
 * and UTF-32 are reported at the first such character of each line they stand on, so a JSON or
 * YAML file is refused with a parse error there and an NDJSON file loses only those lines. JSON
 * (RFC 8259) and YAML 1.2 both define a file as Unicode text, so neither parser could read them.
 */
import { isUtf8 } from 'node:buffer';
import type { Position } from '../finding.js';

export interface Undecodable extends Position {
  message: string;
}

export interface Decoded {
  text: string;
  /** The first undecodable character of each line that has one, in line order. */
  undecodable: Undecodable[];
}

const NOT_UTF8 = (byte: number): string =>
  `Not UTF-8 text: byte 0x${byte.toString(16).toUpperCase().padStart(2, '0')} cannot be decoded (is the file Latin-1 or Windows-1252?). Export the charts as UTF-8.`;
const NUL = 'A NUL byte: this is a binary file, or UTF-16/UTF-32 text without a byte-order mark. Export the charts as UTF-8.';
const UTF32 = 'The file is UTF-32 (its byte-order mark says so), which b12lint does not read. Export the charts as UTF-8.';

export function decode(buf: Buffer): Decoded {
  if (startsWith(buf, [0x00, 0x00, 0xfe, 0xff]) || startsWith(buf, [0xff, 0xfe, 0x00, 0x00])) {
    return { text: '', undecodable: [{ line: 1, column: 1, message: UTF32 }] };
  }
  if (startsWith(buf, [0xff, 0xfe])) return fromText(buf.toString('utf16le', 2), buf.length % 2 === 1);
  if (startsWith(buf, [0xfe, 0xff])) {
    const swapped = Buffer.from(buf.subarray(2, buf.length - (buf.length % 2)));
    return fromText(swapped.swap16().toString('utf16le'), buf.length % 2 === 1);
  }
  const body = startsWith(buf, [0xef, 0xbb, 0xbf]) ? buf.subarray(3) : buf;
  const text = body.toString('utf8');
  if (isUtf8(body) && body.indexOf(0) < 0) return { text, undecodable: [] };
  return { text, undecodable: utf8Problems(body) };
}

function startsWith(buf: Buffer, bytes: readonly number[]): boolean {
  return buf.length >= bytes.length && bytes.every((b, i) => buf[i] === b);
}

const LONE_SURROGATE = (unit: number): string =>
  `Not UTF-16 text: the code unit 0x${unit.toString(16).toUpperCase()} is half of a character with no other half. Export the charts as UTF-8.`;
/** A surrogate code unit with no other half (the pattern reads code units: no `u` flag). */
const LONE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const ODD_BYTE = 'Not UTF-16 text: the file ends in half a character (an odd number of bytes). Export the charts as UTF-8.';

/**
 * Decoded UTF-16: NUL characters, and code units that are no text (a surrogate with no other
 * half, as invalid as the same bytes in UTF-8: "J342" and half a character is no J3420), are
 * reported at the first of each line; half a character at the end at the end.
 */
function fromText(text: string, oddByte: boolean): Decoded {
  const undecodable: Undecodable[] = [];
  let line = 1;
  let lineStart = 0;
  if (text.indexOf('\0') >= 0 || LONE.test(text)) {
    let reported = false;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) {
        line++;
        lineStart = i + 1;
        reported = false;
        continue;
      }
      let bad: string | undefined;
      if (c === 0) bad = NUL;
      else if (c >= 0xd800 && c <= 0xdbff) {
        const next = text.charCodeAt(i + 1);
        if (next >= 0xdc00 && next <= 0xdfff) i++;
        else bad = LONE_SURROGATE(c);
      } else if (c >= 0xdc00 && c <= 0xdfff) bad = LONE_SURROGATE(c);
      if (bad && !reported) {
        undecodable.push({ line, column: i - lineStart + 1, message: bad });
        reported = true;
      }
    }
  }
  if (oddByte) {
    const last = text.lastIndexOf('\n');
    const endLine = text.split('\n').length;
    if (!undecodable.some((u) => u.line === endLine)) undecodable.push({ line: endLine, column: text.length - last, message: ODD_BYTE });
  }
  return { text, undecodable };
}

/** Length of the valid UTF-8 sequence at `i` (RFC 3629: no overlongs, surrogates or values over U+10FFFF), or 0. */
function sequenceLength(buf: Buffer, i: number): number {
  const b = buf[i]!;
  const cont = (k: number, lo = 0x80, hi = 0xbf): boolean => i + k < buf.length && buf[i + k]! >= lo && buf[i + k]! <= hi;
  if (b >= 0xc2 && b <= 0xdf) return cont(1) ? 2 : 0;
  if (b === 0xe0) return cont(1, 0xa0) && cont(2) ? 3 : 0;
  if ((b >= 0xe1 && b <= 0xec) || b === 0xee || b === 0xef) return cont(1) && cont(2) ? 3 : 0;
  if (b === 0xed) return cont(1, 0x80, 0x9f) && cont(2) ? 3 : 0;
  if (b === 0xf0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
  if (b >= 0xf1 && b <= 0xf3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  if (b === 0xf4) return cont(1, 0x80, 0x8f) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}

/** The first bad byte of each line: invalid UTF-8 or NUL. Columns count characters, as JSON and YAML positions do. */
function utf8Problems(buf: Buffer): Undecodable[] {
  const out: Undecodable[] = [];
  let line = 1;
  let lineStart = 0;
  let reported = false;
  let i = 0;
  while (i < buf.length) {
    const b = buf[i]!;
    if (b === 0x0a) {
      line++;
      lineStart = i + 1;
      reported = false;
      i++;
      continue;
    }
    const n = b === 0 ? 0 : b < 0x80 ? 1 : sequenceLength(buf, i);
    if (n === 0 && !reported) {
      // Everything before `i` on this line is valid, so its decoded length is the column.
      out.push({ line, column: buf.toString('utf8', lineStart, i).length + 1, message: b === 0 ? NUL : NOT_UTF8(b) });
      reported = true;
    }
    i += Math.max(n, 1);
  }
  return out;
}
