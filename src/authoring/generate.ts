/**
 * The files b12lint generates from its own code and rulesets, each as (path, text): the JSON
 * Schemas (`npm run schemas`) and the rule docs (`npm run docs`). Tests compare them with the
 * files on disk, so a change that makes them stale fails until they are regenerated.
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import standaloneCode from 'ajv/dist/standalone/index.js';
import { PACKAGE_ROOT } from '../core/package.js';
import { newAjv, readSchema, VALIDATOR_DIR } from '../rules/schema-check.js';
import { ruleDocs } from './docs.js';
import { SCHEMA_NAMES, schemaText } from './schemas.js';

export type Generated = Map<string, string>;

/** schemas/<name>.schema.json, relative to the package root. */
export function generatedSchemas(): Generated {
  return new Map(SCHEMA_NAMES.map((name) => [`schemas/${name}.schema.json`, schemaText(name)]));
}

/** docs/rules/*.md, relative to the package root. */
export function generatedDocs(): Generated {
  return ruleDocs();
}

/**
 * Compiles schemas/*.schema.json into validator code beside the built loader, so a run does not
 * spend half a second compiling them (part of `npm run build`).
 */
export function writeValidators(): void {
  mkdirSync(VALIDATOR_DIR, { recursive: true });
  for (const name of SCHEMA_NAMES) {
    const ajv = newAjv();
    writeFileSync(join(VALIDATOR_DIR, `${name}.cjs`), standaloneCode.default(ajv, ajv.compile(readSchema(name))));
  }
}

/** Writes the files under the package root; files of `folder` that are no longer generated are removed. */
export function writeGenerated(files: Generated, folder: string): void {
  const dir = join(PACKAGE_ROOT, folder);
  mkdirSync(dir, { recursive: true });
  for (const f of readdirSync(dir)) if (!files.has(`${folder}/${f}`)) rmSync(join(dir, f), { recursive: true });
  for (const [rel, text] of files) {
    mkdirSync(dirname(join(PACKAGE_ROOT, rel)), { recursive: true });
    writeFileSync(join(PACKAGE_ROOT, rel), text);
  }
}
