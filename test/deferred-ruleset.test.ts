/**
 * A ruleset whose compiling waits until a rule is needed (src/run/setup.ts DeferredRuleset): what
 * a run that may replay the last run's outputs sets up, so that a replayed run compiles nothing.
 * It must stand for the compiled ruleset in every way, compile once, and only when asked; and the
 * engine must not ask before it lints.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Engine } from '../src/rules/engine.js';
import { lintText } from '../src/run/lint-file.js';
import { chartWorker, runPool } from '../src/run/workers.js';
import { compileLoaded, DeferredRuleset, loadedFingerprint, loadFromSpec, setupFromSpec } from '../src/run/setup.js';
import type { CompiledRuleset } from '../src/rules/types.js';
import { ROOT } from './helpers/cli.js';
import { scratch } from './helpers/scratch.js';
import { RulesetError } from '../src/read/problems.js';

const SPEC = { icd10: [], version: 'test' };
const OPTIONS = { maxFileSize: 64 * 1024 * 1024, debug: true };

function deferred(): { ruleset: DeferredRuleset; compiled: CompiledRuleset[] } {
  const loaded = loadFromSpec(SPEC);
  const compiled: CompiledRuleset[] = [];
  return { ruleset: new DeferredRuleset(loaded, loadedFingerprint(loaded), (r) => compiled.push(r)), compiled };
}

test('the fingerprint of what loaded is the one compiling gives, and name, files and code table are known before', () => {
  const eager = setupFromSpec(SPEC).ruleset;
  const { ruleset, compiled } = deferred();
  expect([ruleset.fingerprint, ruleset.name, ruleset.files]).toEqual([eager.fingerprint, eager.name, eager.files]);
  expect(ruleset.codeTable.years).toEqual(eager.codeTable.years);
  expect(compiled).toEqual([]);
  expect(compileLoaded(loadFromSpec(SPEC)).ruleset.fingerprint).toBe(eager.fingerprint);
});

test('it compiles on the first rule asked for, once, and then stands for the compiled ruleset', () => {
  const eager = setupFromSpec(SPEC).ruleset;
  const { ruleset, compiled } = deferred();
  expect(ruleset.rules.map((r) => r.id)).toEqual(eager.rules.map((r) => r.id));
  expect(compiled).toHaveLength(1);
  expect(ruleset.allRules.map((r) => r.id)).toEqual(eager.allRules.map((r) => r.id));
  expect([...ruleset.labs.keys()]).toEqual([...eager.labs.keys()]);
  expect([...ruleset.codesets.keys()]).toEqual([...eager.codesets.keys()]);
  expect([...ruleset.terms.keys()]).toEqual([...eager.terms.keys()]);
  expect([...ruleset.values]).toEqual([...eager.values]);
  expect(ruleset.lookback).toEqual(eager.lookback);
  expect(ruleset.warnings).toEqual(eager.warnings);
  expect(ruleset.context).toBe(compiled[0]!.context);
  expect(compiled).toHaveLength(1);
});

test('an engine asks for no rule until it lints or its statistics are read, and then finds what the compiled ruleset finds', () => {
  const { ruleset, compiled } = deferred();
  const engine = new Engine(ruleset, { stats: true });
  const other = deferred();
  const counting = new Engine(other.ruleset, { stats: true });
  expect([compiled, other.compiled]).toEqual([[], []]);
  expect(counting.stats?.size).toBe(setupFromSpec(SPEC).ruleset.rules.length);
  expect(other.compiled).toHaveLength(1);
  expect(compiled).toEqual([]);

  const file = join(ROOT, 'fixtures', 'charts', 'p-0001.yaml');
  const text = readFileSync(file, 'utf8');
  const found = lintText(text, 'yaml', 'p-0001.yaml', engine, OPTIONS);
  expect(compiled).toHaveLength(1);
  expect(found.findings.length).toBeGreaterThan(0);
  expect(found).toEqual(lintText(text, 'yaml', 'p-0001.yaml', new Engine(setupFromSpec(SPEC).ruleset), OPTIONS));
});

test('a copy made with a spread holds every field, compiled (as a copy of a compiled ruleset would)', () => {
  const { ruleset, compiled } = deferred();
  const copy = { ...ruleset, rules: ruleset.allRules };
  expect(compiled).toHaveLength(1);
  expect(copy.labs).toBe(ruleset.labs);
  expect(copy.context).toBe(ruleset.context);
  expect(copy.warnings).toEqual([]);
  expect(copy.fingerprint).toBe(ruleset.fingerprint);
});

test('a ruleset that fails to compile fails the same way each time it is asked, its problems listed once', () => {
  const s = scratch();
  try {
    s.write(
      'bad.yaml',
      'ruleset: bad\nextends: [b12lint:recommended]\nrules:\n  - id: bad-rule\n    severity: warning\n    title: Names a codeset no file defines\n    on: diagnosis\n    when: { diagnosis: { code: no-such-codeset } }\n    message: never\n',
    );
    const loaded = loadFromSpec({ ruleset: join(s.dir, 'bad.yaml'), icd10: [], version: 'test' });
    expect(loaded.problems.list).toEqual([]);
    const ruleset = new DeferredRuleset(loaded, loadedFingerprint(loaded), () => {
      throw new Error('not compiled: no call');
    });
    const problems = (): unknown => {
      try {
        return ruleset.rules;
      } catch (err) {
        return err instanceof RulesetError ? err.problems.map((p) => p.message) : err;
      }
    };
    expect(problems()).toEqual(['unknown codeset "no-such-codeset".']);
    expect(problems()).toEqual(['unknown codeset "no-such-codeset".']);
  } finally {
    s.remove();
  }
});

test("the worker for a Bulk export's heavy patients works out its options (whose statistics compile a deferred ruleset) only when such a patient comes", async () => {
  const { ruleset, compiled } = deferred();
  const engine = new Engine(ruleset, { stats: true });
  let asked = 0;
  const heavy = chartWorker(
    () => {
      asked++;
      return { jobs: 2, ...runPool({ ...SPEC }, OPTIONS, engine, undefined) };
    },
    () => [],
  );
  expect(heavy.used()).toBe(false);
  await heavy.close();
  // A replayed run sets it up and closes it: nothing was compiled for it (a run before this
  // commit compiled the ruleset here, about 60 ms of a 0.5 s rerun).
  expect([asked, compiled.length]).toEqual([0, 0]);
  runPool({ ...SPEC }, OPTIONS, engine, undefined);
  expect(compiled).toHaveLength(1);
});
