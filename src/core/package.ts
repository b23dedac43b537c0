/**
 * Where the installed package is, and the built-in files it ships: a built-in ruleset is named
 * `b12lint:<name>` and lives at rulesets/<name>.yaml in the package.
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder the package is installed in (dist/core/ is two levels below it). */
export const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export const BUILTIN_PREFIX = 'b12lint:';

/** The ruleset a run uses when neither the command line, the API nor the config names one. */
export const DEFAULT_RULESET = 'b12lint:recommended';

/** The file of a built-in ruleset name (`b12lint:recommended`), or undefined for anything else. */
export function builtinPath(name: string): string | undefined {
  if (!name.startsWith(BUILTIN_PREFIX)) return undefined;
  const base = name.slice(BUILTIN_PREFIX.length);
  if (!/^[a-z0-9-]+$/.test(base)) return undefined;
  return join(PACKAGE_ROOT, 'rulesets', `${base}.yaml`);
}
