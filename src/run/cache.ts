/**
 * `--cache`: a file's outcome is kept between runs, keyed by the file (its content hash, or with
 * `--cache-strategy metadata` its size and modification time) and by everything else its findings
 * depend on: the ruleset fingerprint (ruleset and config text, ICD-10-CM tables, b12lint version)
 * and the options that change findings. A changed chart re-lints that chart only; a changed
 * ruleset, config, code table or version re-lints everything. One JSON file, written atomically
 * at the end of the run, holding only the files of that run.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { writeAtomic } from '../cli/output.js';
import type { FileOutcome } from './lint-file.js';

export const CACHE_STRATEGIES = ['content', 'metadata'] as const;
export type CacheStrategy = (typeof CACHE_STRATEGIES)[number];

/** Bump when the shape of FileOutcome or of this file changes. */
const FORMAT = 2;
export const CACHE_FILE = 'cache.json';

/** `node_modules/.cache/b12lint` when the folder has a node_modules, else `.b12lintcache`. */
export function defaultCacheLocation(cwd: string): string {
  return existsSync(join(cwd, 'node_modules')) ? join(cwd, 'node_modules', '.cache', 'b12lint') : join(cwd, '.b12lintcache');
}

interface Signature {
  size: number;
  mtimeMs: number;
  /** Content strategy only. */
  hash?: string;
}

interface Entry extends Signature {
  outcome: FileOutcome;
}

interface CacheDoc {
  format: number;
  key: string;
  strategy: CacheStrategy;
  entries: Record<string, Entry>;
}

export interface CacheOptions {
  /** The cache folder. */
  location: string;
  strategy: CacheStrategy;
  /** What every entry depends on besides its file: the ruleset fingerprint and the lint options. */
  key: string;
}

export class RunCache {
  hits = 0;
  misses = 0;
  private readonly old: Record<string, Entry>;
  private readonly next: Record<string, Entry> = {};

  private constructor(private readonly options: CacheOptions, old: Record<string, Entry>) {
    this.old = old;
  }

  /** Opens the cache; an unreadable, foreign or outdated cache file is simply started afresh. */
  static open(options: CacheOptions): RunCache {
    let entries: Record<string, Entry> = {};
    try {
      const doc = JSON.parse(readFileSync(join(options.location, CACHE_FILE), 'utf8')) as CacheDoc;
      if (doc.format === FORMAT && doc.key === options.key && doc.strategy === options.strategy && typeof doc.entries === 'object') entries = doc.entries;
      for (const e of Object.values(entries)) {
        const kept = e.outcome.sensitive as unknown;
        if (Array.isArray(kept)) e.outcome.sensitive = new Map(kept as [string, string[]][]);
      }
    } catch {
      // no cache yet, or not ours: every file is linted
    }
    return new RunCache(options, entries);
  }

  private signature(abs: string): Signature | undefined {
    try {
      const st = statSync(abs);
      if (!st.isFile()) return undefined;
      const sig: Signature = { size: st.size, mtimeMs: st.mtimeMs };
      if (this.options.strategy === 'content') sig.hash = createHash('sha1').update(readFileSync(abs)).digest('base64');
      return sig;
    } catch {
      return undefined; // lintFile reports why the file cannot be read; such an outcome is not kept
    }
  }

  /**
   * The kept outcome of a file whose signature has not changed, shown under `display`. Otherwise
   * undefined, and `remember` keeps the fresh outcome for the next run.
   */
  lookup(abs: string, display: string): { outcome?: FileOutcome; remember: (outcome: FileOutcome) => void } {
    const sig = this.signature(abs);
    const old = this.old[abs];
    const same = sig !== undefined && old !== undefined && old.size === sig.size &&
      (this.options.strategy === 'content' ? old.hash === sig.hash : old.mtimeMs === sig.mtimeMs);
    if (same) {
      this.hits++;
      this.next[abs] = old;
      return { outcome: { ...old.outcome, file: display }, remember: () => undefined };
    }
    this.misses++;
    return {
      remember: (outcome) => {
        // Kept by reference: save() runs before the report is built (which adds duplicate-id findings).
        if (sig) this.next[abs] = { ...sig, outcome };
      },
    };
  }

  /**
   * Writes the cache: this run's files only (deleted or no longer linted files drop out). A cache
   * that cannot be written costs the next run time, not this run its report: the reason is returned.
   */
  save(): string | undefined {
    // Nothing linted afresh and no file gone: the file on disk already says all this.
    if (this.misses === 0 && Object.keys(this.old).length === this.hits) return undefined;
    // `--redact`'s identifying strings are a Map, which JSON would drop: kept as entries.
    const entries = Object.fromEntries(Object.entries(this.next).map(([abs, e]) =>
      [abs, e.outcome.sensitive ? { ...e, outcome: { ...e.outcome, sensitive: [...e.outcome.sensitive] } } : e]));
    const doc = { format: FORMAT, key: this.options.key, strategy: this.options.strategy, entries };
    try {
      writeAtomic(join(this.options.location, CACHE_FILE), JSON.stringify(doc));
      return undefined;
    } catch (err) {
      return `cannot write the cache in ${this.options.location}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`;
    }
  }
}
