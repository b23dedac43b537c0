/**
 * `b12lint print-config [file]`: the configuration a run from the current folder would use, as
 * YAML: the config file found (or given), its run settings, and the ruleset resolved after
 * `extends` and overrides (every named value, codeset, test, term list, mention map, pair list
 * and rule, with each rule's severity in force). With a file, also whether such a run lints it.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { yamlText } from '../core/printable.js';
import type { Def } from '../rules/load.js';
import type { CompiledRuleset } from '../rules/types.js';
import { discover, displayPath, NoFilesError } from '../run/discover.js';
import { failOnOf, rulesetSpecOf, tablesInForce } from '../run/settings.js';
import { setupFromSpec } from '../run/setup.js';
import { AuthoringError } from './test-command.js';

export interface PrintConfigOptions {
  cwd: string;
  ruleset?: string;
  config?: string;
  configLookup?: boolean;
  icd10: readonly string[];
  /** Told the loader's warnings (a deprecated key), if any. */
  warn?: (warnings: CompiledRuleset['warnings']) => void;
}

function valuesOf<T>(map: ReadonlyMap<string, Def<T>>): Record<string, T> {
  return Object.fromEntries([...map].map(([k, d]) => [k, d.value]));
}

export async function printConfig(file: string | undefined, o: PrintConfigOptions): Promise<string> {
  const spec = rulesetSpecOf(
    {
      cwd: o.cwd,
      ...(o.ruleset ? { ruleset: o.ruleset } : {}),
      ...(o.config !== undefined ? { config: o.config } : o.configLookup === false ? { config: false as const } : {}),
      icd10: o.icd10,
    },
    '',
  );
  const { ruleset, defs, config } = setupFromSpec(spec);
  const icd10 = tablesInForce(spec.icd10, config);
  if (ruleset.warnings.length) o.warn?.(ruleset.warnings);

  const out: Record<string, unknown> = {};
  out.config = config ? displayPath(config.src.path, o.cwd) : null;
  if (file !== undefined) {
    if (!existsSync(resolve(o.cwd, file))) throw new AuthoringError(`no such file: "${file}"`);
    let linted = true;
    try {
      await discover([file], { cwd: o.cwd, ignore: config?.ignore ?? [] });
    } catch (err) {
      if (!(err instanceof NoFilesError)) throw err;
      linted = false;
    }
    out.file = { path: file, linted };
  }
  out.settings = {
    failOn: failOnOf(undefined, config),
    maxWarnings: config?.maxWarnings ?? null,
    ignore: config?.ignore ?? [],
    icd10: icd10.map((f) => displayPath(f, o.cwd)),
  };
  const compiled = new Map(ruleset.allRules.map((r) => [r.id, r]));
  // An override's query and cite replace the rule's (the compiler applies them the same way).
  const overridden = new Map<string, Record<string, unknown>>();
  for (const { value: v } of defs.overrides) {
    if (typeof v.rule !== 'string') continue;
    const parts = overridden.get(v.rule) ?? {};
    if (v.cite !== undefined) parts.cite = v.cite;
    if (v.query !== undefined) parts.query = v.query;
    overridden.set(v.rule, parts);
  }
  out.ruleset = {
    name: ruleset.name,
    layers: defs.files,
    lookback: ruleset.lookback.text,
    values: valuesOf(defs.values),
    codesets: valuesOf(defs.codesets),
    labs: valuesOf(defs.labs),
    terms: valuesOf(defs.terms),
    mentions: valuesOf(defs.mentions),
    pairs: valuesOf(defs.pairs),
    ...(defs.descriptions.size ? { descriptions: valuesOf(defs.descriptions) } : {}),
    ...(defs.negation ? { negation: defs.negation.value } : {}),
    ...(defs.queryWords.size || defs.queryAllowed.length
      ? { queryWords: { forbidden: valuesOf(defs.queryWords), allowed: defs.queryAllowed.flatMap((d) => d.value) } }
      : {}),
    rules: [...defs.rules].map(([id, def]) => {
      const r = compiled.get(id)!;
      const { docs: _docs, examples: _examples, ...raw } = def.value;
      return { ...raw, ...overridden.get(id), severity: r.severity, title: r.title, message: r.message, file: r.file };
    }),
  };
  return `# The configuration in force (b12lint print-config): settings and the ruleset after extends and overrides.\n${yamlText(out)}`;
}
