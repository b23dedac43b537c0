/**
 * Scratch folders for tests that generate their inputs (big or hostile files are made at test
 * time, never committed). Every folder has a name of its own (mkdtemp), so two runs, or two test
 * files, never share one; each is removed after its tests.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { ROOT } from './cli.js';

export interface Scratch {
  dir: string;
  /** Writes a file (text or bytes) under the folder and returns its path. */
  write(name: string, content: string | Uint8Array): string;
  remove(): void;
}

export function scratch(prefix = 'b12lint-test-'): Scratch {
  return scratchIn(mkdtempSync(join(tmpdir(), prefix)));
}

/**
 * A scratch folder inside the checkout, under test/.tmp (ignored by git), for tests whose reports
 * must name the files by a path from the repository root (the CLI runs there): `rel` is that path.
 */
export function repoScratch(prefix: string): Scratch & { rel: string } {
  mkdirSync(join(ROOT, 'test', '.tmp'), { recursive: true });
  const dir = mkdtempSync(join(ROOT, 'test', '.tmp', `${prefix}-`));
  return { ...scratchIn(dir), rel: relative(ROOT, dir) };
}

function scratchIn(dir: string): Scratch {
  return {
    dir,
    write(name, content) {
      const p = join(dir, name);
      writeFileSync(p, content);
      return p;
    },
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Makes scratch folders for one test file (or describe block) and removes every one it made
 * after its tests, passed or failed, so a test run leaves nothing in the system temp folder.
 * Call it at the top level of the file or block: it registers the afterAll.
 */
export function scratches(prefix?: string): () => Scratch {
  const made: Scratch[] = [];
  afterAll(() => {
    for (const s of made.splice(0)) s.remove();
  });
  return () => {
    const s = scratch(prefix);
    made.push(s);
    return s;
  };
}

/** A small valid native chart: J3420 linked to D62, which the recommended ruleset flags. */
export function chart(chartId: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    chartId,
    patient: { id: `PT-${chartId}`, birthDate: '1950-01-02', sex: 'female' },
    encounters: [
      {
        id: 'E1',
        date: '2026-10-02',
        diagnoses: [{ code: 'D62' }],
        services: [{ code: 'J3420', units: 1, diagnoses: ['D62'] }],
        notes: [{ section: 'assessment', text: `Fatigue and pallor for ${chartId}. Denies melena. Plan B12 injection today.` }],
      },
    ],
    ...extra,
  };
}
