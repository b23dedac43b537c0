/**
 * Problems in the files people write for b12lint (rulesets, configs, tests files, ICD-10-CM
 * tables, concept maps), each placed at its file, line and column; any one refuses the whole
 * input (RulesetError, exit 2), all of them listed together.
 */
import type { Position } from '../finding.js';
import { positionOf, type NodePath, type SourceFile } from './source.js';

export interface Problem extends Position {
  file: string;
  message: string;
}

export class RulesetError extends Error {
  constructor(readonly problems: Problem[]) {
    super(problems.map((p) => `${p.file}:${p.line}:${p.column}: ${p.message}`).join('\n'));
  }
}

/** Collects problems, each placed in its file, and warnings (the file loads, but should change). */
export class Problems {
  readonly list: Problem[] = [];
  readonly warnings: Problem[] = [];

  /** A warning placed at a key (a deprecated one); said once per file, place and message. */
  warnAtKey(src: SourceFile, path: NodePath, message: string): void {
    const w: Problem = { file: src.file, ...positionOf(src, path, true), message };
    if (!this.warnings.some((x) => x.file === w.file && x.line === w.line && x.column === w.column && x.message === w.message))
      this.warnings.push(w);
  }

  at(src: SourceFile, path: NodePath, message: string): void {
    this.list.push({ file: src.file, ...positionOf(src, path), message });
  }

  /** A problem with a key (unknown, misspelt): placed at the key rather than its value. */
  atKey(src: SourceFile, path: NodePath, message: string): void {
    this.list.push({ file: src.file, ...positionOf(src, path, true), message });
  }

  raw(file: string, line: number, column: number, message: string): void {
    this.list.push({ file, line, column, message });
  }

  /** Refuses the ruleset if there is any problem: listed by file (in the order met), line and column. */
  throwIfAny(): void {
    if (this.list.length === 0) return;
    const files = [...new Set(this.list.map((p) => p.file))];
    const sorted = [...this.list].sort((a, b) => files.indexOf(a.file) - files.indexOf(b.file) || a.line - b.line || a.column - b.column);
    throw new RulesetError(sorted);
  }
}
