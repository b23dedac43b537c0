/**
 * The YAML files people write for b12lint (rulesets, configs, tests files, concept maps), read
 * with their positions, so that every problem found in them names its file, line and column.
 * A built-in file (under the package's rulesets/) is read from the snapshot the build made of it
 * when the text is unchanged: its document is parsed only when a position is needed.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Composer, isMap, isScalar, LineCounter, YAMLParseError, type Document, type Node } from 'yaml';
import { ioCause } from '../core/io.js';
import { PACKAGE_ROOT } from '../core/package.js';
import type { Position } from '../finding.js';
import { readSideInput, SideInputError } from './bounded.js';
import type { Problems } from './problems.js';
import { firstLine } from './parse.js';
import { limitedCst, MAX_YAML_DEPTH, type TooDeepDocument } from './yaml-depth.js';
import { aliasProblem, mayHoldAliases } from './yaml-aliases.js';
import { addDuplicateKeyErrors } from './yaml-keys.js';
import { yamlNodeAt } from './yaml-locate.js';

/** A place in a parsed file: keys and list indexes from its root. */
export type NodePath = readonly (string | number)[];

export interface SourceFile {
  /** As shown in messages (relative to the current folder when it can be). */
  file: string;
  /** Absolute path ('' for a ruleset given as text). */
  path: string;
  text: string;
  /** The parsed document with its positions (parsed on first use when a snapshot gave the value). */
  readonly doc: Document.Parsed;
  readonly lines: LineCounter;
  /** The file's content as plain values. */
  value(): unknown;
  /** Set for a built-in file whose snapshot the build checked against this schema and found clean. */
  readonly schemaClean?: string;
}

export function positionOf(src: SourceFile, path: NodePath, atKey = false): Position {
  const toPointer = (parts: NodePath): string => parts.map((p) => `/${String(p).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
  let node = yamlNodeAt(src.doc.contents as Node | null, toPointer(path));
  if (atKey && path.length > 0) {
    // Point at the key itself (an unknown key is the mistake, not its value).
    const parent = yamlNodeAt(src.doc.contents as Node | null, toPointer(path.slice(0, -1)));
    if (isMap(parent)) {
      const pair = parent.items.find((p) => isScalar(p.key) && String(p.key.value) === String(path[path.length - 1]));
      if (pair && isScalar(pair.key)) node = pair.key;
    }
  }
  const offset = node?.range?.[0] ?? 0;
  const { line, col } = src.lines.linePos(offset);
  return { line, column: col };
}

/** A path for messages: from the current folder when inside it. */
export function displayPath(abs: string): string {
  const rel = abs.startsWith(process.cwd() + '/') ? abs.slice(process.cwd().length + 1) : abs;
  return rel.split('\\').join('/');
}

const NOT_FOUND = 'file not found';

/** Reads and parses one YAML file (ruleset, config, tests file, concept map). Returns undefined after recording problems. */
export function readSource(absPath: string, problems: Problems, shown = displayPath(absPath)): SourceFile | undefined {
  let text: string;
  try {
    // Under the size limit of chart files, and a regular file only (never a pipe or device read without end).
    text = readSideInput(absPath, undefined, (err) => ((err as NodeJS.ErrnoException).code === 'ENOENT' ? NOT_FOUND : ioCause(err)));
  } catch (err) {
    if (!(err instanceof SideInputError)) throw err;
    problems.raw(shown, 1, 1, err.message === NOT_FOUND ? NOT_FOUND : `cannot read the file: ${err.message}`);
    return undefined;
  }
  return sourceFromText(text, absPath, problems, shown);
}

/**
 * `parseDocument` of the `yaml` package, with its parser's tokens limited in depth (yaml-depth.ts):
 * a file nested too deeply is one error at the first list or mapping beyond the limit, never a
 * stack overflow.
 */
function parseYamlSource(text: string): { doc: Document.Parsed; lines: LineCounter } {
  const lines = new LineCounter();
  const deep: TooDeepDocument[] = [];
  const composer = new Composer({ prettyErrors: false, uniqueKeys: false }); // keys given twice: yaml-keys.ts
  let doc: Document.Parsed | undefined;
  for (const next of composer.compose(limitedCst(text, lines, deep), true, text.length)) {
    if (!doc) {
      doc = next;
      addDuplicateKeyErrors(doc);
      continue;
    }
    doc.errors.push(new YAMLParseError([next.range[0], next.range[1]], 'MULTIPLE_DOCS', 'Source contains multiple documents'));
    break;
  }
  // compose(..., true) always ends with a document, an empty one for an empty text.
  const first = doc!;
  const tooDeep = deep[0];
  if (tooDeep && tooDeep.docOffset === first.range[0])
    first.errors.unshift(
      new YAMLParseError(
        [tooDeep.at, tooDeep.at + 1],
        'RESOURCE_EXHAUSTION',
        `nested more than ${MAX_YAML_DEPTH} levels of lists and mappings`,
      ),
    );
  return { doc: first, lines };
}

/**
 * The values of a built-in file, parsed at build time (scripts/snapshot-rulesets.mjs) into
 * dist/rulesets/<name>.json with the hash of the text they came from: parsing the YAML is most of
 * a one-chart run's start-up. The document itself is parsed only if a position is needed, and a
 * snapshot the build found clean under the ruleset schema is not checked against it again.
 */
interface Snapshot {
  sha256: string;
  value: unknown;
  /** The schema the build checked the value against and found no problem with. */
  schemaClean?: string;
}

function snapshotOf(absPath: string, text: string): Snapshot | undefined {
  if (!absPath.startsWith(join(PACKAGE_ROOT, 'rulesets'))) return undefined;
  try {
    const snap = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'dist', 'rulesets', `${basename(absPath, '.yaml')}.json`), 'utf8')) as Snapshot;
    return snap.sha256 === createHash('sha256').update(text).digest('hex') ? snap : undefined;
  } catch {
    return undefined;
  }
}

export function sourceFromText(text: string, absPath: string, problems: Problems, shown = displayPath(absPath)): SourceFile | undefined {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const snapshot = snapshotOf(absPath, text);
  if (snapshot !== undefined) {
    let parsed: ReturnType<typeof parseYamlSource> | undefined;
    const get = (): ReturnType<typeof parseYamlSource> => (parsed ??= parseYamlSource(text));
    return {
      file: shown,
      path: absPath,
      text,
      get doc() {
        return get().doc;
      },
      get lines() {
        return get().lines;
      },
      value: () => structuredClone(snapshot.value),
      ...(snapshot.schemaClean ? { schemaClean: snapshot.schemaClean } : {}),
    };
  }
  const { doc, lines } = parseYamlSource(text);
  if (doc.errors.length > 0) {
    for (const e of doc.errors) {
      const { line, col } = lines.linePos(e.pos[0]);
      problems.raw(shown, line, col, `invalid YAML: ${e.message.split('\n')[0]}`);
    }
    return undefined;
  }
  // Aliases are checked in one pass (an alias bomb, an alias inside what it names), then the file is
  // read into values once here, so that a document that cannot be is a problem of the file, not an
  // error where its value is first asked for.
  const alias = mayHoldAliases(text) ? aliasProblem(doc, MAX_VALUES, text.length) : undefined;
  if (alias) {
    const { line, col } = lines.linePos(alias.offset);
    problems.raw(shown, line, col, `invalid YAML: ${alias.message}`);
    return undefined;
  }
  try {
    doc.toJS({ maxAliasCount: -1 });
  } catch (err) {
    const { line, col } = lines.linePos(doc.range[0]);
    problems.raw(shown, line, col, `invalid YAML: ${firstLine(err instanceof Error ? err.message : String(err))}`);
    return undefined;
  }
  return { file: shown, path: absPath, text, doc, lines, value: () => doc.toJS({ maxAliasCount: -1 }) };
}

/** The most values a ruleset, config or tests file may stand for, its aliases expanded (a ruleset has a few thousand). */
const MAX_VALUES = 100_000;
