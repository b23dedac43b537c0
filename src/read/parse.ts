/**
 * Parsing a chart file into documents, each with a locator. JSON goes through `JSON.parse`
 * (positions are found later, only if needed); YAML through the `yaml` package with its line
 * counter; NDJSON line by line, where a broken line is one problem and the others still count.
 */
import { LineCounter, parseAllDocuments } from 'yaml';
import type { Position } from '../finding.js';
import { JsonLocator, offsetToPosition, type Locator } from './json-locate.js';
import { YamlLocator } from './yaml-locate.js';

export type SourceFormat = 'json' | 'yaml' | 'ndjson';

export interface SourceDoc {
  value: unknown;
  locator: Locator;
  /** Where the document starts (its first line), for messages about the document as a whole. */
  start: Position;
}

export interface ParseProblem extends Position {
  message: string;
}

export interface ParsedFile {
  format: SourceFormat;
  docs: SourceDoc[];
  problems: ParseProblem[];
}

export interface ParseOptions {
  /** The most YAML aliases resolved in one document (alias bombs are refused). */
  maxAliasCount?: number;
}

export function formatOf(path: string): SourceFormat | undefined {
  const lower = path.toLowerCase();
  if (lower.endsWith('.json')) return 'json';
  if (lower.endsWith('.yaml') || lower.endsWith('.yml')) return 'yaml';
  if (lower.endsWith('.ndjson') || lower.endsWith('.jsonl')) return 'ndjson';
  return undefined;
}

/** A JSON.parse error as a plain message with the place it points at. */
export function jsonProblem(text: string, err: unknown, baseLine = 1): ParseProblem {
  const raw = err instanceof Error ? err.message : String(err);
  const m = /at position (\d+)/.exec(raw);
  const offset = m ? Number(m[1]) : text.length;
  const pos = offsetToPosition(text, offset, baseLine);
  const message = raw
    .replace(/ in JSON at position \d+( \(line \d+ column \d+\))?/, '')
    .replace(/^Unexpected end of JSON input$/, 'Unexpected end of input: the JSON is incomplete (truncated file?)');
  return { ...pos, message: `Invalid JSON: ${message}` };
}

export function parseJson(text: string): ParsedFile {
  try {
    const value: unknown = JSON.parse(text);
    return { format: 'json', docs: [{ value, locator: new JsonLocator(text), start: { line: 1, column: 1 } }], problems: [] };
  } catch (err) {
    return { format: 'json', docs: [], problems: [jsonProblem(text, err)] };
  }
}

export function parseNdjson(text: string): ParsedFile {
  const docs: SourceDoc[] = [];
  const problems: ParseProblem[] = [];
  let lineNo = 0;
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    lineNo++;
    const lineText = text.slice(start, end).replace(/\r$/, '');
    start = end + 1;
    if (lineText.trim() === '') {
      if (end === text.length) break;
      continue;
    }
    try {
      const value: unknown = JSON.parse(lineText);
      docs.push({ value, locator: new JsonLocator(lineText, lineNo), start: { line: lineNo, column: 1 } });
    } catch (err) {
      problems.push(jsonProblem(lineText, err, lineNo));
    }
    if (end === text.length) break;
  }
  return { format: 'ndjson', docs, problems };
}

export function parseYaml(text: string, options: ParseOptions = {}): ParsedFile {
  const lines = new LineCounter();
  const docs: SourceDoc[] = [];
  const problems: ParseProblem[] = [];
  const parsed = parseAllDocuments(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const all = Array.isArray(parsed) ? parsed : [];
  if (!Array.isArray(parsed)) {
    // An empty stream: parseAllDocuments returns an EmptyStream with only errors, if any.
    for (const e of (parsed as { errors: { pos: [number, number]; message: string }[] }).errors) {
      const { line, col } = lines.linePos(e.pos[0]);
      problems.push({ line, column: col, message: `Invalid YAML: ${e.message}` });
    }
  }
  for (const doc of all) {
    const docStart = lines.linePos(doc.range[0]);
    if (doc.errors.length > 0) {
      for (const e of doc.errors) {
        const { line, col } = lines.linePos(e.pos[0]);
        problems.push({ line, column: col, message: `Invalid YAML: ${firstLine(e.message)}` });
      }
      continue;
    }
    if (doc.contents === null) continue; // an empty document (e.g. a trailing `---`)
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: options.maxAliasCount ?? 100 });
    } catch (err) {
      problems.push({
        line: docStart.line,
        column: docStart.col,
        message: `Invalid YAML: ${firstLine(err instanceof Error ? err.message : String(err))}`,
      });
      continue;
    }
    docs.push({ value, locator: new YamlLocator(doc, lines), start: { line: docStart.line, column: docStart.col } });
  }
  return { format: 'yaml', docs, problems };
}

function firstLine(s: string): string {
  const i = s.indexOf('\n');
  return (i < 0 ? s : s.slice(0, i)).trim();
}

export function parseText(text: string, format: SourceFormat, options: ParseOptions = {}): ParsedFile {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  switch (format) {
    case 'json': return parseJson(text);
    case 'ndjson': return parseNdjson(text);
    case 'yaml': return parseYaml(text, options);
  }
}
